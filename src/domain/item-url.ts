/** An item's public page: /announcements/<slug> or /reports/<slug> under the site's base URL. */
export const itemUrl = (siteUrl: string, collection: string, slug: string): string => `${siteUrl}/${collection}/${encodeURIComponent(slug)}`
