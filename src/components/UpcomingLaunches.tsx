import type { AdminViewServerProps } from 'payload'
import React from 'react'

import { hasRole } from '@/access/roles'
import { LAUNCH_QUEUE } from '@/jobs/queues'
import { appQueue } from '@/lib/app-queue'
import { upcomingLaunches } from '@/launches/upcoming'

import { adminPage } from './AdminPage'

/**
 * Upcoming launches (/admin/launches, editors and admins): every draft scheduled to publish itself,
 * soonest first, with what it is released with, and any launch whose time has passed with the reason
 * it did not go out. Each links to its edit view, where the time is changed or cleared.
 */
export async function UpcomingLaunches(props: AdminViewServerProps) {
  const { req } = props.initPageResult
  if (!hasRole(req.user as { role?: 'admin' | 'editor' | 'author' } | null, 'editor', 'admin')) return adminPage(props, <p>Only editors and admins can see the launches.</p>)
  const queue = await appQueue(req.payload, LAUNCH_QUEUE).catch(() => undefined)
  const launches = await upcomingLaunches(req.payload, queue)
  const admin = req.payload.config.routes.admin
  return adminPage(
    props,
    <>
      <h1>Upcoming launches</h1>
      <p>Drafts that publish themselves at their time, on every channel; until then nothing of them is public. Open one to move or cancel its launch.</p>
      {launches.length === 0 ? (
        <p>Nothing is scheduled.</p>
      ) : (
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <thead>
            <tr style={{ textAlign: 'left' }}>
              <th scope="col">When</th>
              <th scope="col">Item</th>
              <th scope="col">Released with</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {launches.map((launch) => (
              <tr key={`${launch.collection}-${launch.id}`} style={{ borderTop: '1px solid var(--theme-elevation-150)' }}>
                <td style={{ whiteSpace: 'nowrap' }}>
                  <time dateTime={launch.publishAt}>{new Date(launch.publishAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</time>
                </td>
                <td>
                  <a href={`${admin}/collections/${launch.collection}/${launch.id}`}>{launch.title}</a> ({launch.collection === 'reports' ? 'report' : 'announcement'})
                </td>
                <td>{launch.releasedWith ? <a href={`${admin}/collections/${launch.releasedWith.collection}/${launch.releasedWith.id}`}>{launch.releasedWith.title}</a> : '–'}</td>
                <td>{launch.failure ? <strong style={{ color: 'var(--theme-error-500)' }}>Not published: {launch.failure}</strong> : Date.parse(launch.publishAt) <= Date.now() ? 'going out' : 'waiting'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
  )
}
