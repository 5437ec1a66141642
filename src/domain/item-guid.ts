import { createHash, randomUUID } from 'node:crypto'

/**
 * The permanent feed id of an item. An item that already has a database id gets one derived from it
 * (a name-based UUID), so an item published before guids were stored keeps the id feeds already gave
 * it; an item created directly as published has no id yet and gets a random one.
 */
export function itemGuid(collection: string, id?: number | string): string {
  if (id === undefined || id === null) return `urn:uuid:${randomUUID()}`
  const hex = createHash('sha1').update(`${collection}:${id}`).digest('hex')
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
