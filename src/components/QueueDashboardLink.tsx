'use client'

import { useAuth } from '@payloadcms/ui'
import React from 'react'

/** "Delivery queues" in the admin's navigation, for admins (the dashboard refuses everyone else). */
export function QueueDashboardLink() {
  const { user } = useAuth<{ role?: string }>()
  if (user?.role !== 'admin') return null
  return (
    <a href="/admin/queues" className="nav__link" style={{ display: 'block', padding: '4px 0' }}>
      Delivery queues
    </a>
  )
}
