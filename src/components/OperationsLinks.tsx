'use client'

import { useAuth } from '@payloadcms/ui'
import React from 'react'

/**
 * The operations pages in the admin's navigation: the delivery dashboard and upcoming launches for editors and admins, the
 * queue dashboard for admins (each refuses everyone else anyway).
 */
export function OperationsLinks() {
  const { user } = useAuth<{ role?: string }>()
  if (user?.role !== 'admin' && user?.role !== 'editor') return null
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 4, padding: '4px 0' }}>
      <a href="/admin/deliveries" className="nav__link">
        Delivery dashboard
      </a>
      <a href="/admin/launches" className="nav__link">
        Upcoming launches
      </a>
      {user.role === 'admin' && (
        <a href="/admin/queues" className="nav__link">
          Delivery queues
        </a>
      )}
    </div>
  )
}
