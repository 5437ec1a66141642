import { itemRoute } from '@/site/item-route'

export const dynamic = 'force-dynamic'

/** An announcement's public page. */
export const GET = itemRoute('announcements')
