'use client'

import { useConfig } from '@payloadcms/ui'
import { useRouter } from 'next/navigation'
import React, { useState } from 'react'

import type { DeliveryDashboardData } from '@/ops/delivery-dashboard-data'

import { actOnDelivery, type DeliveryAction, DeliveryActionButtons } from '@/components/DeliveryActions'

/** The units that need staff (failed, in doubt), with the reason and the actions the ledger allows. */
export function AttentionList({ units }: { units: DeliveryDashboardData['attention'] }) {
  const {
    config: {
      routes: { api, admin },
    },
  } = useConfig()
  const router = useRouter()
  const [notice, setNotice] = useState<string | undefined>()
  const act = async (id: number | string, action: DeliveryAction) => {
    setNotice(await actOnDelivery(api, id, action))
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
                <DeliveryActionButtons state={unit.state} onAct={(action) => void act(unit.id, action)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
