import { convertLexicalToPlaintext } from '@payloadcms/richtext-lexical/plaintext'
import type { SerializedEditorState } from '@payloadcms/richtext-lexical/lexical'
import type { Payload } from 'payload'

import type { EmailItem } from '@/channels/email/email-message'
import type { PipelineEvent } from '@/domain/events'
import { itemUrl } from '@/domain/item-url'
import { bodyHtml } from '@/site/body-html'

export type ItemForEmail = EmailItem & { topicIds: string[] }

/** The item as an alert shows it, read live: a correction made during a send reaches the later batches. */
export async function itemForEmail(payload: Payload, event: PipelineEvent, siteUrl: string): Promise<ItemForEmail> {
  const doc = await payload.findByID({ collection: event.collection, id: event.itemId, draft: false, depth: 1 })
  const body = doc.body as unknown as SerializedEditorState
  return {
    title: doc.title,
    summary: doc.summary,
    urgent: 'urgency' in doc && doc.urgency === 'urgent',
    url: itemUrl(siteUrl, event.collection, doc.slug ?? String(doc.id)),
    bodyHtml: bodyHtml(body, siteUrl),
    bodyText: body?.root ? convertLexicalToPlaintext({ data: body }) : '',
    topicIds: (doc.topics ?? []).map((topic) => String(typeof topic === 'object' ? topic.id : topic)),
  }
}
