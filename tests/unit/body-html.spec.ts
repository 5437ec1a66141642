import { describe, expect, it } from 'vitest'

import { bodyHtml } from '../../src/site/body-html'

const text = (value: string, format = 0) => ({ type: 'text', text: value, format, detail: 0, mode: 'normal', style: '', version: 1 })
const paragraph = (...children: object[]) => ({ type: 'paragraph', children, direction: 'ltr', format: '', indent: 0, version: 1, textFormat: 0 })
const link = (fields: object, label: string) => ({ type: 'link', fields, children: [text(label)], direction: 'ltr', format: '', indent: 0, version: 3 })
const doc = (...children: object[]) => ({ root: { type: 'root', children, direction: 'ltr', format: '', indent: 0, version: 1 } })

const SITE = 'https://example.org'

describe('bodyHtml', () => {
  it('renders Lexical text escaped, with formatting but no styles', () => {
    const html = bodyHtml(doc(paragraph(text('<script>alert(1)</script> & more'), text(' struck', 4), text(' bold', 1))), SITE)
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more<span> struck</span><strong> bold</strong></p>')
  })

  it('drops javascript: and data: links, keeps http(s) and mailto, and makes relative links absolute', () => {
    const html = bodyHtml(
      doc(
        paragraph(
          link({ url: 'javascript:alert(1)', linkType: 'custom' }, 'bad'),
          link({ url: 'data:text/html;base64,PHNjcmlwdD4=', linkType: 'custom' }, 'worse'),
          link({ url: 'https://example.net/a?b=1&c=2', linkType: 'custom', newTab: true }, 'good'),
          link({ url: 'mailto:press@example.org', linkType: 'custom' }, 'mail'),
          link({ url: '/reports/annual', linkType: 'custom' }, 'relative'),
        ),
      ),
      SITE,
    )
    expect(html).not.toMatch(/javascript:|data:|target=/)
    expect(html).toContain('<a href="https://example.net/a?b=1&amp;c=2">good</a>')
    expect(html).toContain('<a href="mailto:press@example.org">mail</a>')
    expect(html).toContain('<a href="https://example.org/reports/annual">relative</a>')
    expect(html).toContain('bad')
  })

  it('points internal links at the linked item’s public page', () => {
    const html = bodyHtml(doc(paragraph(link({ linkType: 'internal', doc: { relationTo: 'reports', value: { id: 3, slug: 'annual-report' } } }, 'the report'))), SITE)
    expect(html).toBe('<p><a href="https://example.org/reports/annual-report">the report</a></p>')
  })

  it('is empty for a missing or malformed body', () => {
    expect(bodyHtml(null, SITE)).toBe('')
    expect(bodyHtml({ not: 'lexical' }, SITE)).toBe('')
  })
})
