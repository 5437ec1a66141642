'use client'

import React, { useCallback, useState } from 'react'

import type { CampaignStats } from '@/channels/email/campaign-stats'

import { usePolling } from '@/components/usePolling'

/** What SendGrid reported, in the order a message lives through it; people counted once each. */
const ROWS = [
  { type: 'delivered', label: 'Delivered' },
  { type: 'open', label: 'Opened' },
  { type: 'click', label: 'Clicked' },
  { type: 'bounce', label: 'Bounced' },
  { type: 'dropped', label: 'Dropped' },
  { type: 'spamreport', label: 'Marked as spam' },
  { type: 'unsubscribe', label: 'Unsubscribed' },
] as const

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0)

/**
 * The item's email campaigns (the alert, then any corrections) with SendGrid's delivery, open, click,
 * bounce and unsubscribe counts as bars against the number of recipients. Editors and admins only:
 * for anyone else the endpoint refuses and nothing is shown.
 */
export function EmailCampaigns({ api, collection, itemId }: { api: string; collection: string; itemId: string | number }) {
  const [campaigns, setCampaigns] = useState<CampaignStats[]>([])

  const load = useCallback(async () => {
    const response = await fetch(`${api}/campaigns/for-item?collection=${collection}&itemId=${itemId}`, { credentials: 'include' })
    if (response.ok) setCampaigns(((await response.json()) as { campaigns: CampaignStats[] }).campaigns)
  }, [api, collection, itemId])

  usePolling(load, 15_000)

  if (campaigns.length === 0) return null
  return (
    <div style={{ marginBottom: 'calc(var(--base) / 2)' }}>
      <h5 style={{ margin: '0 0 4px' }}>Email</h5>
      {campaigns.map((campaign) => (
        <figure key={campaign.id} style={{ margin: '0 0 8px' }}>
          <figcaption className="field-description">
            {campaign.kind === 'correction' ? 'Correction' : 'Alert'} to {campaign.recipients.toLocaleString()} people, {new Date(campaign.createdAt).toLocaleString()}
          </figcaption>
          {ROWS.map(({ type, label }) => {
            const people = campaign.counts[type]?.people ?? 0
            if (people === 0 && type !== 'delivered' && type !== 'open' && type !== 'click') return null
            return (
              <div key={type} style={{ display: 'grid', gridTemplateColumns: '7.5em 1fr 6.5em', gap: 6, alignItems: 'center', fontSize: 12 }}>
                <span>{label}</span>
                <span aria-hidden="true" style={{ background: 'var(--theme-elevation-100)', height: 8 }}>
                  <span style={{ display: 'block', height: 8, width: `${percent(people, campaign.recipients)}%`, background: 'var(--theme-success-500)' }} />
                </span>
                <span>
                  {people.toLocaleString()} ({percent(people, campaign.recipients)} %)
                </span>
              </div>
            )
          })}
        </figure>
      ))}
    </div>
  )
}
