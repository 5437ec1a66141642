import { convertLexicalToHTML, LinkHTMLConverter, type HTMLConvertersFunction } from '@payloadcms/richtext-lexical/html'
import type { SerializedEditorState } from '@payloadcms/richtext-lexical/lexical'
import sanitizeHtml from 'sanitize-html'

type LinkedDoc = { relationTo?: string; value?: { slug?: string | null } | number | string }

/** Internal links point at the linked item's public page (the query's depth populates the document). */
const converters: HTMLConvertersFunction = ({ defaultConverters }) => ({
  ...defaultConverters,
  ...LinkHTMLConverter({
    internalDocToHref: ({ linkNode }) => {
      const doc = linkNode.fields.doc as LinkedDoc | undefined
      const slug = doc?.value && typeof doc.value === 'object' ? doc.value.slug : undefined
      return doc?.relationTo && slug ? `/${doc.relationTo}/${encodeURIComponent(slug)}` : '/'
    },
  }),
})

const absolute = (href: string, siteUrl: string): string | undefined => {
  try {
    return new URL(href, `${siteUrl}/`).toString()
  } catch {
    return undefined
  }
}

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'u', 's',
  'sub', 'sup', 'code', 'pre', 'a', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
]

/**
 * The body as HTML that is safe in any feed reader: Lexical's own converter, then an allow-list
 * sanitizer (no scripts, no event handlers, no styles, only http(s) and mailto links, every URL
 * absolute). Readers render content:encoded as they get it, so this is the only line of defence.
 */
export function bodyHtml(body: unknown, siteUrl: string): string {
  if (!body || typeof body !== 'object' || !('root' in body)) return ''
  const html = convertLexicalToHTML({ data: body as SerializedEditorState, converters, disableContainer: true })
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href ? absolute(attribs.href, siteUrl) : undefined
        return { tagName, attribs: href ? { ...attribs, href } : {} }
      },
      img: (tagName, attribs) => {
        const src = attribs.src ? absolute(attribs.src, siteUrl) : undefined
        return { tagName, attribs: src ? { ...attribs, src } : {} }
      },
    },
  }).trim()
}
