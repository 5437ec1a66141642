'use client'

import { Button, useConfig, useDocumentInfo, useFormFields } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import React, { useState } from 'react'

/**
 * In a social post's sidebar: where the post stands, what the network last said, a link to it once
 * posted, and, while it waits, "Post now" and "Cancel". The text and time are edited in the form and
 * saved as usual; the post's queued job follows the save.
 */
export function SocialPostActions() {
  const { id } = useDocumentInfo()
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const router = useRouter()
  const state = useFormFields(([fields]) => fields.state?.value as string | undefined)
  const remoteUrl = useFormFields(([fields]) => fields.remoteUrl?.value as string | undefined)
  const [notice, setNotice] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const act = async (action: 'cancel' | 'post-now') => {
    setBusy(true)
    const response = await fetch(`${api}/social-posts/${id}/${action}`, { method: 'POST', credentials: 'include' })
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    setNotice(body.message ?? `The server answered ${response.status}.`)
    setBusy(false)
    router.refresh()
  }

  if (!id) return null
  const waiting = state === 'scheduled' || state === 'failed'
  return (
    <div className="field-type" style={{ marginBottom: 'var(--base)' }}>
      <p>
        <strong>Post: {state ?? '…'}</strong>
        {remoteUrl ? (
          <>
            {' · '}
            <a href={remoteUrl} target="_blank" rel="noreferrer">
              see it on the network
            </a>
          </>
        ) : null}
      </p>
      {waiting ? (
        <p>
          <Button size="small" buttonStyle="primary" disabled={busy} onClick={() => void act('post-now')}>
            Post now
          </Button>{' '}
          <Button size="small" buttonStyle="secondary" disabled={busy} onClick={() => void act('cancel')}>
            Cancel post
          </Button>
        </p>
      ) : null}
      {notice ? <p role="status">{notice}</p> : null}
    </div>
  )
}
