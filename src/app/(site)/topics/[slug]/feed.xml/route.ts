import { topicFeedRoute } from '@/app/(site)/_feeds/feed-route'

// Served from the bytes the worker stored, never rendered at build time.
export const dynamic = 'force-dynamic'

export const GET = topicFeedRoute('rss')
