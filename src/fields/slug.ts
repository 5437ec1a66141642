import { slugField, ValidationError, type CollectionSlug, type FieldHook, type RowField, type TextField } from 'payload'

import { titleSlug } from '@/domain/title-slug'

/**
 * Payload's slug field generates the slug in the admin form; requests from elsewhere (REST, the Local
 * API, imports) arrive without one, so it is derived here from the source field. Two statements with
 * the same title are common ("Statement on the budget"): a generated slug that is taken gets -2, -3…
 * rather than failing the save.
 */
const fillFrom =
  (source: string): FieldHook =>
  async ({ value, data, collection, req, originalDoc }) => {
    if (value || typeof data?.[source] !== 'string' || !collection) return value
    const base = titleSlug(data[source])
    if (!base) return value
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`
      const { totalDocs } = await req.payload.count({
        collection: collection.slug as CollectionSlug,
        where: { slug: { equals: candidate }, ...(originalDoc?.id ? { id: { not_equals: originalDoc.id } } : {}) },
        req,
      })
      if (totalDocs === 0) return candidate
    }
  }

/**
 * Once an item has been published its URL is in feeds, emails and social posts: changing the slug
 * would break every one of those links, so it is refused with a reason staff can act on.
 */
const freezeAfterFirstPublish: FieldHook = ({ value, originalDoc, collection, req }) => {
  if (originalDoc?.publishedAt && originalDoc.slug && value !== originalDoc.slug) {
    throw new ValidationError(
      {
        collection: collection?.slug,
        errors: [
          {
            message: `The slug cannot change after the item was first published: links to "${originalDoc.slug}" are already out.`,
            path: 'slug',
          },
        ],
      },
      req.t,
    )
  }
  return value
}

/**
 * Payload's unique slug field, filled from `source` when a request leaves it empty, with the same
 * transliteration in the admin's Generate button.
 */
export const generatedSlugField = (source = 'title', extraHooks: { beforeChange?: FieldHook[] } = {}, Field?: string): RowField =>
  slugField({
    useAsSlug: source,
    slugify: ({ valueToSlugify }) => (typeof valueToSlugify === 'string' ? titleSlug(valueToSlugify) : undefined),
    // Not required at the type level: callers may leave it out, fillFrom derives it from a required field.
    required: false,
    overrides: (row) => {
      const [checkbox, slug] = row.fields as [RowField['fields'][number], TextField]
      const withHooks: TextField = {
        ...slug,
        ...(Field ? { admin: { ...slug.admin, components: { ...slug.admin?.components, Field: { path: Field, clientProps: { useAsSlug: source } } } } } : {}),
        hooks: {
          ...slug.hooks,
          beforeValidate: [...(slug.hooks?.beforeValidate ?? []), fillFrom(source)],
          beforeChange: [...(slug.hooks?.beforeChange ?? []), ...(extraHooks.beforeChange ?? [])],
        },
      }
      return { ...row, fields: [checkbox, withHooks] }
    },
  })

/**
 * The slug of a published item: generated from the title, frozen once the item is first published.
 * The admin shows it read-only then, with the reason (src/components/FrozenSlugField.tsx); a request
 * that changes it anyway is refused with the reason.
 */
export const frozenSlugField = (): RowField =>
  generatedSlugField('title', { beforeChange: [freezeAfterFirstPublish] }, '@/components/FrozenSlugField#FrozenSlugField')
