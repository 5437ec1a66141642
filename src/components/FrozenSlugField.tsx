'use client'

import { FieldDescription, SlugField, useFormFields } from '@payloadcms/ui'
import type { SlugFieldClientProps } from 'payload'
import React from 'react'

/** Why a published item's slug cannot change: said under the field, where staff look for it. */
export const FROZEN_SLUG_REASON = 'Fixed since this item was first published: links to this address are already in feeds, emails and posts.'

/**
 * Payload's slug field (lock, unlock, generate) until the item is first published; after that the same
 * field read-only, with no Unlock or Generate, and the reason under it. Payload's component takes its
 * read-only state from the field's config alone, so a save that changed the slug could only be
 * refused, with the other edits of that save still to redo.
 */
export function FrozenSlugField(props: SlugFieldClientProps) {
  const published = useFormFields(([fields]) => Boolean(fields.publishedAt?.value))
  if (!published) return <SlugField {...props} />
  return (
    <>
      <SlugField {...props} field={{ ...props.field, admin: { ...props.field.admin, readOnly: true } }} />
      <FieldDescription description={FROZEN_SLUG_REASON} path={props.path} />
    </>
  )
}
