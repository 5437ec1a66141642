'use client'

import { Button } from '@payloadcms/ui'
import React from 'react'

import type { Delivery } from '@/payload-types'

export type DeliveryAction = 'retry' | 'resend' | 'mark-sent'

/** Asks the ledger's staff endpoint to act on a unit; returns the server's sentence for staff. */
export async function actOnDelivery(api: string, id: number | string, action: DeliveryAction): Promise<string> {
  const response = await fetch(`${api}/deliveries/${id}/${action}`, { method: 'POST', credentials: 'include' })
  const body = (await response.json().catch(() => ({}))) as { message?: string }
  return body.message ?? `The server answered ${response.status}.`
}

/** What staff can do with a unit that needs them: retry a failed one; send again or close an in-doubt one. */
export function DeliveryActionButtons({ state, onAct }: { state: Delivery['state']; onAct: (action: DeliveryAction) => void }) {
  if (state === 'failed') {
    return (
      <Button size="small" buttonStyle="secondary" onClick={() => onAct('retry')}>
        Retry
      </Button>
    )
  }
  return (
    <>
      <Button size="small" buttonStyle="secondary" onClick={() => onAct('resend')}>
        Send again
      </Button>{' '}
      <Button size="small" buttonStyle="secondary" onClick={() => onAct('mark-sent')}>
        Mark as sent
      </Button>
    </>
  )
}
