import type { SocialNetwork } from './fit-post'

/** A budget of points per account over a window, as the network meters it. */
export type NetworkBudget = { points: number; seconds: number }

/** What one request costs against the network's budget (SOCIAL_RATE_LIMITS). */
export const POINTS: Record<SocialNetwork, { post: number; remove: number }> = {
  mastodon: { post: 1, remove: 1 },
  bluesky: { post: 3, remove: 1 },
  webhook: { post: 0, remove: 0 },
}

const ENTRY = /^(mastodon|bluesky)=(\d+)\/(\d+)$/

/** "mastodon=300/300,bluesky=5000/3600" (points per seconds, per account) as budgets by network. */
export function parseBudgets(value: string): Partial<Record<SocialNetwork, NetworkBudget>> {
  const budgets: Partial<Record<SocialNetwork, NetworkBudget>> = {}
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = ENTRY.exec(entry)
    if (!match || Number(match[2]) < 1 || Number(match[3]) < 1) throw new Error(`"${entry}" is not network=points/seconds (network: mastodon or bluesky; both at least 1)`)
    budgets[match[1] as SocialNetwork] = { points: Number(match[2]), seconds: Number(match[3]) }
  }
  return budgets
}
