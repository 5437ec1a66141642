/** Who an alert is for: the item's topics and urgency. */
export type Audience = { topicIds: string[]; urgent: boolean }

export type SubscriberChoice = { topics?: (number | string | { id: number | string })[] | null; urgentOnly?: boolean | null }

/**
 * Whether a confirmed subscriber wants this alert: urgent-only people get urgent items only; people
 * with no topics chosen get every topic; otherwise one shared topic is enough. An item with no topics
 * goes to everyone whose urgency choice allows it.
 */
export function wantsAlert(audience: Audience, subscriber: SubscriberChoice): boolean {
  if (subscriber.urgentOnly && !audience.urgent) return false
  const chosen = (subscriber.topics ?? []).map((topic) => String(typeof topic === 'object' ? topic.id : topic))
  if (chosen.length === 0 || audience.topicIds.length === 0) return true
  return chosen.some((topic) => audience.topicIds.includes(topic))
}

/** A campaign batch: the subscribers with ids after `after` (none: from the start) up to `upTo`. */
export type BatchRange = { after: number | string | null; upTo: number | string; count: number }
