/**
 * The address a request came from, for per-address limits: the last X-Forwarded-For entry, the one
 * the proxy in front of the app appended (nginx's `$proxy_add_x_forwarded_for`; Next.js sets the
 * header to the peer's address when nothing in front did). Entries before it are whatever the client
 * sent, so they never count: a client cannot pick a fresh address per request. Behind more than one
 * proxy (a CDN before nginx), the last proxy must pass the client's address on as its own last entry
 * (nginx: `real_ip_header` with `set_real_ip_from` the CDN's ranges).
 */
export const clientIp = (headers: Headers): string => headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || 'unknown'
