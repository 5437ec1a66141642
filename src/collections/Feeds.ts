import type { CollectionConfig } from 'payload'

import { isStaff } from '@/access/isStaff'
import { nobody } from '@/access/nobody'

/**
 * Every feed as the worker last built it: one row per scope (everything, urgent only, one per topic)
 * holding the RSS, Atom and JSON Feed bytes the public routes serve as they are. Only the feed channel
 * writes it, and only when the content changed; staff may read it to see what aggregators get.
 */
export const Feeds: CollectionConfig = {
  slug: 'feeds',
  labels: { singular: 'Feed', plural: 'Feeds' },
  admin: {
    group: 'Delivery',
    useAsTitle: 'title',
    defaultColumns: ['title', 'path', 'itemCount', 'lastModified', 'generation'],
  },
  access: { read: isStaff, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'scope', type: 'text', required: true, unique: true, admin: { description: '"all", "urgent" or "topic-<id>".' } },
    { name: 'title', type: 'text', required: true },
    { name: 'path', type: 'text', admin: { description: 'Where it is served: <path>/feed.xml, .atom and .json.' } },
    { name: 'etag', type: 'text', admin: { description: 'A hash of the content; changes exactly when the content does.' } },
    { name: 'lastModified', type: 'date', admin: { description: 'When the content last changed.' } },
    { name: 'itemCount', type: 'number', defaultValue: 0 },
    { name: 'generation', type: 'number', defaultValue: 0, admin: { description: 'How many times the content has changed.' } },
    { name: 'changedByEvent', type: 'text', admin: { description: 'The outbox event whose rebuild made the last change; it owes the hub pings.' } },
    { name: 'entryKeys', type: 'textarea', admin: { disabled: true } },
    { name: 'buildToken', type: 'number', defaultValue: 0, admin: { disabled: true } },
    { name: 'builtToken', type: 'number', defaultValue: 0, admin: { disabled: true } },
    { name: 'rss', type: 'textarea', admin: { disabled: true } },
    { name: 'atom', type: 'textarea', admin: { disabled: true } },
    { name: 'json', type: 'textarea', admin: { disabled: true } },
  ],
}
