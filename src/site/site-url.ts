import type { Env } from '@/lib/env'

/** The site's base URL as feeds, emails and links use it: the Site global's, else PUBLIC_URL; no trailing slash. */
export const siteBaseUrl = (publicUrl: string | null | undefined, env: Pick<Env, 'PUBLIC_URL'>): string =>
  (publicUrl || env.PUBLIC_URL).replace(/\/+$/, '')
