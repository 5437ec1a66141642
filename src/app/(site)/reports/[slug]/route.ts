import { itemRoute } from '@/site/item-route'

export const dynamic = 'force-dynamic'

/** A report's public page, with its PDF. */
export const GET = itemRoute('reports')
