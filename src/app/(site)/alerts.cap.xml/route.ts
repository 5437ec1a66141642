import { createHash } from 'node:crypto'

import config from '@payload-config'
import { getPayload } from 'payload'

import { renderCapIndex } from '@/channels/feeds/render/cap'
import { Coalescer } from '@/lib/coalesce'
import { getEnv } from '@/lib/env'
import { capIndex } from '@/channels/feeds/cap-index'
import { feedSettings } from '@/channels/feeds/feed-settings'
import { notModified } from '@/lib/http/conditional-get'
import { noPageHeaders } from '@/lib/http/security-headers'
import { logger } from '@/lib/logger'

// Read from the database on each request, never rendered at build time.
export const dynamic = 'force-dynamic'

type Index = { body: string; etag: string }

/**
 * The CAP index is read from the live urgent statements on request rather than stored by the worker
 * (alert aggregators poll it every minute or two, not thousands of readers); concurrent requests share
 * one read, and each is answered by a read that started after it arrived, so a retraction or an expiry
 * is never served stale.
 */
const reads = new Coalescer<Index>()

async function readIndex(): Promise<Index> {
  const payload = await getPayload({ config })
  const { feed, messages } = await capIndex(payload, await feedSettings(payload, getEnv()))
  const body = renderCapIndex(feed, messages)
  return { body, etag: `"cap-${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** GET /alerts.cap.xml: the urgent statements' CAP 1.2 messages as an Atom index. */
export async function GET(request: Request): Promise<Response> {
  const env = getEnv()
  try {
    const index = await reads.run('index', readIndex)
    const headers = { etag: index.etag, 'cache-control': `public, max-age=${env.FEED_MAX_AGE_SECONDS}`, ...noPageHeaders(env) }
    // By ETag only: a statement leaving the index (retracted, expired) changes no entry's time, so no
    // Last-Modified could say that the index changed.
    if (notModified(request.headers, index.etag)) return new Response(null, { status: 304, headers })
    return new Response(index.body, { status: 200, headers: { ...headers, 'content-type': 'application/atom+xml; charset=utf-8' } })
  } catch (error) {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'CAP index request failed')
    return new Response('The alerts feed is unavailable for a moment. Please try again shortly.\n', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30', ...noPageHeaders(env) },
    })
  }
}
