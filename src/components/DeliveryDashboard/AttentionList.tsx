'use client'

import { Button, useConfig } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import React, { useState } from 'react'

import type { DeliveryDashboardData } from '@/lib/ops/delivery-dashboard-data'

/** The units that need staff (failed, in doubt), with the reason and the actions the ledger allows. */
export function AttentionList({ units }: { units: DeliveryDashboardData['attention'] }) {
  const {
    config: {
      routes: { api, admin },
    },
  } = useConfig()
  const router = useRouter()
  const [notice, setNotice] = useState<string | undefined>()
  const act = async (id: number | string, action: 'retry' | 'resend' | 'mark-sent') => {
    const response = await fetch(`${api}/deliveries/${id}/${action}`, { method: 'POST', credentials: 'include' })
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    setNotice(body.message ?? `The server answered ${response.status}.`)
    router.refresh()
  }
  if (units.length === 0) return <p>Nothing needs you: no delivery has failed or is in doubt.</p>
  return (
    <div>
      {notice && <p role="status">{notice}</p>}
      <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
        <thead>
          <tr style={{ textAlign: 'left' }}>
            <th scope="col">Channel</th>
            <th scope="col">State</th>
            <th scope="col">Item</th>
            <th scope="col">Why</th>
            <th scope="col">Act</th>
          </tr>
        </thead>
        <tbody>
          {units.map((unit) => (
            <tr key={unit.id} style={{ borderTop: '1px solid var(--theme-elevation-150)' }}>
              <td>{unit.channel}</td>
              <td style={{ color: 'var(--theme-error-500)' }}>{unit.state === 'in_doubt' ? 'in doubt' : unit.state}</td>
              <td>
                <a href={`${admin}/collections/${unit.collection}/${unit.itemId}`}>
                  {unit.collection} #{unit.itemId}
                </a>
              </td>
              <td>{unit.lastError ?? 'no reason recorded'}</td>
              <td style={{ whiteSpace: 'nowrap' }}>
                {unit.state === 'failed' ? (
                  <Button size="small" buttonStyle="secondary" onClick={() => void act(unit.id, 'retry')}>
                    Retry
                  </Button>
                ) : (
                  <>
                    <Button size="small" buttonStyle="secondary" onClick={() => void act(unit.id, 'resend')}>
                      Send again
                    </Button>{' '}
                    <Button size="small" buttonStyle="secondary" onClick={() => void act(unit.id, 'mark-sent')}>
                      Mark as sent
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
