'use client'

import { Button } from '@payloadcms/ui'
import React, { useCallback, useState } from 'react'

import type { ChannelPause } from '@/jobs/channel-pauses'

import { usePolling } from '@/components/usePolling'

/**
 * Channels paused because a provider refused our credentials: the reason, since when, and (once the
 * credentials are fixed) a button that resumes the channel, whose paused work then carries on.
 */
export function PausedChannels({ api }: { api: string }) {
  const [paused, setPaused] = useState<ChannelPause[]>([])
  const [notice, setNotice] = useState<string | undefined>()

  const load = useCallback(async () => {
    const response = await fetch(`${api}/deliveries/paused-channels`, { credentials: 'include' })
    if (response.ok) setPaused(((await response.json()) as { paused: ChannelPause[] }).paused)
  }, [api])

  usePolling(load, 10_000)

  const resume = async (channel: string) => {
    const response = await fetch(`${api}/deliveries/paused-channels/${channel}/resume`, { method: 'POST', credentials: 'include' })
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    setNotice(body.message ?? `The server answered ${response.status}.`)
    await load()
  }

  if (paused.length === 0) return notice ? <p role="status">{notice}</p> : null
  return (
    <div role="alert" style={{ border: '2px solid var(--theme-error-500)', padding: 8, marginBottom: 'calc(var(--base) / 2)' }}>
      {paused.map((pause) => (
        <div key={pause.channel}>
          <strong>The {pause.channel} channel is paused</strong> since {new Date(pause.pausedAt).toLocaleString()}: {pause.reason}. Nothing more goes out on it until it is
          resumed. Fix the credentials first (for email, SENDGRID_API_KEY), then{' '}
          <Button size="small" buttonStyle="secondary" onClick={() => void resume(pause.channel)}>
            Resume {pause.channel}
          </Button>
        </div>
      ))}
      {notice && <p role="status">{notice}</p>}
    </div>
  )
}
