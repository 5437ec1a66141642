import type { DateField } from 'payload'

/**
 * A scheduled launch: the draft publishes itself at this time with its full fan-out, and until then is
 * embargoed (no public page, feed, API answer or file). Editors change or clear it until then.
 */
export const publishAtField = (): DateField => ({
  name: 'publishAt',
  type: 'date',
  index: true,
  admin: {
    position: 'sidebar',
    date: { pickerAppearance: 'dayAndTime' },
    description: 'Scheduled launch: save the draft with a time and it publishes itself then, on every channel. Clear it to cancel the launch.',
  },
})
