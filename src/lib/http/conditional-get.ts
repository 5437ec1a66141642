/**
 * Whether a GET can be answered 304 Not Modified (RFC 9110, 13.1): If-None-Match wins when present
 * (weak comparison, a list, or "*"); otherwise If-Modified-Since at or after the last change, for a
 * resource that has one (without `lastModified`, only the ETag can say nothing changed).
 */
export function notModified(headers: Headers, etag: string, lastModified?: Date): boolean {
  const ifNoneMatch = headers.get('if-none-match')
  if (ifNoneMatch !== null) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag))
  }
  const ifModifiedSince = headers.get('if-modified-since')
  if (ifModifiedSince === null || !lastModified) return false
  const since = Date.parse(ifModifiedSince)
  // HTTP dates have whole seconds: compare at that precision.
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since
}
