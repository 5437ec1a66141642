import type { Announcement } from '@/payload-types'

/** Lexical's stored JSON for simple content: headings and paragraphs of plain text. */
type Block = { heading: string } | string

const text = (value: string) => ({ type: 'text', text: value, format: 0, detail: 0, mode: 'normal', style: '', version: 1 })

const node = (block: Block) =>
  typeof block === 'string'
    ? { type: 'paragraph', children: [text(block)], direction: 'ltr' as const, format: '' as const, indent: 0, version: 1, textFormat: 0 }
    : { type: 'heading', tag: 'h2', children: [text(block.heading)], direction: 'ltr' as const, format: '' as const, indent: 0, version: 1 }

export const richText = (...blocks: Block[]): Announcement['body'] => ({
  root: { type: 'root', children: blocks.map(node), direction: 'ltr' as const, format: '' as const, indent: 0, version: 1 },
})
