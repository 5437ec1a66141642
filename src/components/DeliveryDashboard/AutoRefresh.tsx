'use client'

import { useRouter } from 'next/navigation'
import { useEffect } from 'react'

/** Re-renders the (server-drawn) dashboard every few seconds, so a send can be watched as it goes. */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter()
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000)
    return () => clearInterval(timer)
  }, [router, seconds])
  return null
}
