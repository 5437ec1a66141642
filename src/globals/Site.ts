import type { GlobalConfig } from 'payload'

import { anyone } from '@/access/anyone'
import { isAdmin } from '@/access/isAdmin'

export const DEFAULT_SOCIAL_TEMPLATE = '{title}\n\n{summary}\n\n{url}'

/** Who is speaking and where: used by every page, feed, email footer and social post. */
export const Site: GlobalConfig = {
  slug: 'site',
  access: {
    read: anyone,
    update: isAdmin,
  },
  fields: [
    { name: 'organisationName', type: 'text', required: true, defaultValue: 'Our organisation' },
    {
      name: 'publicUrl',
      type: 'text',
      admin: {
        description: 'The public base URL of the site (e.g. https://example.org). Empty: the server URL (PUBLIC_URL) is used.',
      },
      validate: (value: string | null | undefined) =>
        !value || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value) || 'Enter an absolute URL starting with https:// or http://',
    },
    { name: 'senderName', type: 'text', admin: { description: 'The name alert emails come from.' } },
    { name: 'senderEmail', type: 'email', admin: { description: 'The address alert emails come from.' } },
    {
      name: 'unsubscribeMailbox',
      type: 'email',
      admin: {
        description:
          'Optional. A mailbox that handles unsubscribe requests by email: alerts then offer it in their List-Unsubscribe header as well as the one-click link; each request\'s subject carries the subscriber\'s signed token.',
      },
    },
    {
      name: 'postalAddress',
      type: 'textarea',
      admin: { description: 'Printed in every email footer, as anti-spam law requires.' },
    },
    {
      name: 'socialTemplate',
      type: 'textarea',
      defaultValue: DEFAULT_SOCIAL_TEMPLATE,
      admin: { description: 'Default text of a social post. Placeholders: {title}, {summary}, {url}.' },
    },
  ],
}
