import type http from 'node:http'

/**
 * A request's body, read whole up to `max` bytes, as the local stand-ins for vendors' APIs take it;
 * undefined when it is larger (they answer 413 as the vendor does). The rest of a larger body is
 * drained, not kept.
 */
export function readBody(request: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= max) chunks.push(chunk)
    })
    request.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)))
    request.on('error', reject)
  })
}
