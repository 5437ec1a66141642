import type { FieldHook, TextField } from 'payload'

import { itemGuid } from '@/domain/item-guid'

/**
 * Set on the first publish and never changed afterwards, whatever the request sends: aggregators
 * key items on it, and a changed guid makes an old statement reappear as new. A URN rather than the
 * page URL, so neither a slug change nor a move to another domain touches it.
 */
const keepOrMint: FieldHook = ({ collection, originalDoc, siblingData }) => {
  if (originalDoc?.feedGuid) return originalDoc.feedGuid
  if (siblingData?._status === 'published') return itemGuid(collection?.slug ?? '', originalDoc?.id)
  return undefined
}

export const feedGuidField = (): TextField => ({
  name: 'feedGuid',
  type: 'text',
  index: true,
  admin: {
    position: 'sidebar',
    readOnly: true,
    description: 'The permanent id feeds give this item, set when it is first published.',
  },
  hooks: { beforeChange: [keepOrMint] },
})
