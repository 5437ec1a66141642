'use client'

import { useConfig, useDocumentInfo } from '@payloadcms/ui'
import React, { useCallback, useState } from 'react'

import type { Delivery } from '@/payload-types'

import { actOnDelivery, type DeliveryAction, DeliveryActionButtons } from '@/components/DeliveryActions'
import { usePolling } from '@/components/usePolling'
import { EmailCampaigns } from './EmailCampaigns'
import { PausedChannels } from './PausedChannels'
import { summarise, type EventSummary } from './summarise'

const STATE_LABELS: Record<Delivery['state'], string> = {
  pending: 'waiting',
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
  in_doubt: 'in doubt',
  cancelled: 'cancelled',
}

/**
 * The item's distribution in its edit view: for each event (publish, update, retraction…) each channel's
 * progress (4,000 / 12,000), failures with their reasons, and the retry / resend / mark-sent actions;
 * any channel paused for refused credentials, and the item's email campaigns with their counts.
 * Refreshes every 2 s while anything is waiting or sending, every 30 s otherwise.
 */
export function DistributionPanel() {
  const { id, collectionSlug } = useDocumentInfo()
  const {
    config: {
      routes: { api },
    },
  } = useConfig()
  const [events, setEvents] = useState<EventSummary[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [notice, setNotice] = useState<string | undefined>()

  const load = useCallback(async () => {
    if (!id) return
    const query = `where[collection][equals]=${collectionSlug}&where[itemId][equals]=${id}&depth=0&limit=1000&sort=-createdAt`
    const response = await fetch(`${api}/deliveries?${query}`, { credentials: 'include' })
    if (!response.ok) {
      setError(`Could not load the deliveries (${response.status}).`)
      return
    }
    setError(undefined)
    setEvents(summarise(((await response.json()) as { docs: Delivery[] }).docs))
  }, [api, collectionSlug, id])

  const active = events?.some((event) => event.active) ?? false
  usePolling(load, active ? 2_000 : 30_000)

  const act = async (delivery: Delivery, action: DeliveryAction) => {
    setNotice(await actOnDelivery(api, delivery.id, action))
    await load()
  }

  if (!id) return <p className="field-description">Distribution starts when the item is published.</p>
  return (
    <section aria-label="Distribution" style={{ marginBottom: 'var(--base)' }}>
      <h4 style={{ margin: '0 0 calc(var(--base) / 2)' }}>Distribution</h4>
      {error && <p role="alert">{error}</p>}
      {notice && <p role="status">{notice}</p>}
      <PausedChannels api={api} />
      {collectionSlug && <EmailCampaigns api={api} collection={collectionSlug} itemId={id} />}
      {events?.length === 0 && <p className="field-description">Nothing sent yet: publishing sends it to every channel.</p>}
      {events?.map((event) => (
        <div key={event.eventId} style={{ marginBottom: 'calc(var(--base) / 2)' }}>
          <div className="field-description">Event #{event.eventId}</div>
          {event.channels.map((channel) => (
            <div key={channel.channel} style={{ marginBottom: 'calc(var(--base) / 4)' }}>
              <strong>{channel.channel}</strong>{' '}
              <span>
                {channel.sent.toLocaleString()} / {channel.total.toLocaleString()}
              </span>
              <progress value={channel.sent} max={channel.total || 1} style={{ width: '100%' }} aria-label={`${channel.channel} progress`} />
              <div className="field-description">
                {Object.entries(channel.byState)
                  .map(([state, count]) => `${count} ${STATE_LABELS[state as Delivery['state']]}`)
                  .join(', ')}
              </div>
              {channel.actionable.map((delivery) => (
                <div key={delivery.id} style={{ borderLeft: '3px solid var(--theme-error-500)', paddingLeft: 8, marginTop: 4 }}>
                  <div>
                    {STATE_LABELS[delivery.state]}: {delivery.lastError ?? 'no reason recorded'}
                  </div>
                  <DeliveryActionButtons state={delivery.state} onAct={(action) => void act(delivery, action)} />
                </div>
              ))}
            </div>
          ))}
        </div>
      ))}
    </section>
  )
}
