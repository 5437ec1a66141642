'use client'

import { Button, useConfig } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import React, { useState } from 'react'

import type { DeliveryDashboardData } from '@/ops/delivery-dashboard-data'

/** Events the pipeline never finished (the relay's own handback did not help), each with "Send again". */
export function UnfinishedEvents({ events }: { events: DeliveryDashboardData['unfinished'] }) {
  const {
    config: {
      routes: { api, admin },
    },
  } = useConfig()
  const router = useRouter()
  const [notice, setNotice] = useState<string | undefined>()
  const redeliver = async (id: number | string) => {
    const response = await fetch(`${api}/outbox-events/${id}/redeliver`, { method: 'POST', credentials: 'include' })
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    setNotice(body.message ?? `The server answered ${response.status}.`)
    router.refresh()
  }
  if (events.length === 0) return null
  return (
    <div style={{ marginBottom: 16 }}>
      {notice && <p role="status">{notice}</p>}
      <p>
        <strong>Never finished:</strong> these events were written more than ten minutes ago and not every channel has finished with them.
      </p>
      <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
        <thead>
          <tr style={{ textAlign: 'left' }}>
            <th scope="col">Written</th>
            <th scope="col">Item</th>
            <th scope="col">Event</th>
            <th scope="col">Queued</th>
            <th scope="col">Act</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} style={{ borderTop: '1px solid var(--theme-elevation-150)' }}>
              <td style={{ whiteSpace: 'nowrap' }}>{new Date(event.at).toLocaleString()}</td>
              <td>
                <a href={`${admin}/collections/${event.collection}/${event.itemId}`}>{event.title || `${event.collection} #${event.itemId}`}</a>
              </td>
              <td>
                {event.kind} ({event.urgency})
              </td>
              <td>{event.dispatchedAt ? new Date(event.dispatchedAt).toLocaleString() : 'not yet: the workers or Redis are not reachable'}</td>
              <td>
                <Button size="small" buttonStyle="secondary" onClick={() => void redeliver(event.id)}>
                  Send again
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
