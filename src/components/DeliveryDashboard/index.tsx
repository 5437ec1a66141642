import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { hasRole } from '@/access/roles'
import { type DashboardWindow, deliveryDashboardData } from '@/ops/delivery-dashboard-data'

import { adminPage } from '@/components/AdminPage'
import { PausedChannels } from '@/components/DistributionPanel/PausedChannels'
import { ActivityChart } from './ActivityChart'
import { AttentionList } from './AttentionList'
import { AutoRefresh } from './AutoRefresh'
import { UnfinishedEvents } from './UnfinishedEvents'

const STATE_COLORS: Record<string, string> = { sent: '#12805c', sending: '#0b57d0', pending: '#9aa0a6', failed: '#c5221f', in_doubt: '#b06000' }

/** A channel's units as one stacked bar: sent, sending, waiting, failed, in doubt. */
function StateBar({ total, byState }: { total: number; byState: Record<string, number | undefined> }) {
  return (
    <span style={{ display: 'flex', height: 10, width: '100%', background: 'var(--theme-elevation-100)' }} aria-hidden="true">
      {Object.entries(STATE_COLORS).map(([state, color]) => {
        const count = byState[state] ?? 0
        return count > 0 ? <span key={state} style={{ width: `${(count / Math.max(1, total)) * 100}%`, background: color }} /> : null
      })}
    </span>
  )
}

/**
 * The delivery dashboard (/admin/deliveries, editors and admins): activity over the last hour or day
 * drawn as lines, each email campaign's progress, the latest events with each channel's state as a
 * bar, paused channels, and what needs staff (events never finished, units failed or in doubt) with
 * their actions. Redrawn every 5 seconds.
 */
export async function DeliveryDashboard(props: AdminViewServerProps) {
  const { req } = props.initPageResult
  const user = req.user as { role?: 'admin' | 'editor' | 'author' } | null
  const window: DashboardWindow = props.searchParams?.window === 'day' ? 'day' : 'hour'
  const template = (children: React.ReactNode) => adminPage(props, children)
  if (!hasRole(user, 'editor', 'admin')) return template(<p>Only editors and admins can see the delivery dashboard.</p>)

  const data = await deliveryDashboardData(req.payload, window)
  const api = req.payload.config.routes.api
  return template(
    <>
      <AutoRefresh seconds={5} />
      <h1 style={{ marginBottom: 8 }}>Deliveries</h1>
      <p style={{ marginTop: 0 }}>
        {window === 'hour' ? 'Last hour, per minute' : 'Last 24 hours, per hour'} ·{' '}
        <a href={`?window=${window === 'hour' ? 'day' : 'hour'}`}>{window === 'hour' ? 'show the last 24 hours' : 'show the last hour'}</a>
      </p>
      <PausedChannels api={api} />

      <section aria-labelledby="campaigns" style={{ marginBottom: 24 }}>
        <h2 id="campaigns">Email campaigns</h2>
        {data.campaigns.length === 0 && <p>No campaign yet.</p>}
        {data.campaigns.map((campaign) => (
          <div key={campaign.id} style={{ marginBottom: 10 }}>
            <div>
              <strong>{campaign.subject}</strong> ({campaign.kind}) · {campaign.sent.toLocaleString()} of {campaign.recipients.toLocaleString()} sent
            </div>
            <progress value={campaign.sent} max={Math.max(1, campaign.recipients)} style={{ width: '100%', height: 14 }} aria-label={`${campaign.subject}: ${campaign.sent} of ${campaign.recipients} sent`} />
          </div>
        ))}
      </section>

      <ActivityChart title="Deliveries" buckets={data.buckets} series={data.series} names={['emails sent', 'other deliveries']} window={window} />
      <ActivityChart title="What readers did" buckets={data.buckets} series={data.series} names={['opens', 'clicks', 'bounces', 'unsubscribes']} window={window} />

      <section aria-labelledby="latest" style={{ marginBottom: 24 }}>
        <h2 id="latest">Latest events</h2>
        <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
          <thead>
            <tr style={{ textAlign: 'left' }}>
              <th scope="col">When</th>
              <th scope="col">Item</th>
              <th scope="col">Event</th>
              <th scope="col">Channels (sent · sending · waiting · failed · in doubt)</th>
            </tr>
          </thead>
          <tbody>
            {data.recent.map((event) => (
              <tr key={event.eventId} style={{ borderTop: '1px solid var(--theme-elevation-150)' }}>
                <td style={{ whiteSpace: 'nowrap' }}>{new Date(event.at).toLocaleTimeString()}</td>
                <td>
                  <a href={`${req.payload.config.routes.admin}/collections/${event.collection}/${event.itemId}`}>{event.title || `${event.collection} #${event.itemId}`}</a>
                  {event.urgency === 'urgent' && <strong style={{ color: '#c5221f' }}> urgent</strong>}
                </td>
                <td>{event.kind}</td>
                <td>
                  {event.channels.map((channel) => (
                    <div key={channel.channel} style={{ display: 'grid', gridTemplateColumns: '4.5em 1fr 7em', gap: 6, alignItems: 'center' }}>
                      <span>{channel.channel}</span>
                      <StateBar total={channel.total} byState={channel.byState} />
                      <span>
                        {(channel.byState.sent ?? 0).toLocaleString()} / {channel.total.toLocaleString()}
                      </span>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="attention">
        <h2 id="attention">Needs you</h2>
        <UnfinishedEvents events={data.unfinished} />
        <AttentionList units={data.attention} />
      </section>
    </>,
  )
}
