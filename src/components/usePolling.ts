'use client'

import { useEffect } from 'react'

/** Runs `load` now and every `intervalMs` while the component is shown (and again when either changes). */
export function usePolling(load: () => Promise<void>, intervalMs: number): void {
  useEffect(() => {
    void load()
    const timer = setInterval(() => void load(), intervalMs)
    return () => clearInterval(timer)
  }, [load, intervalMs])
}
