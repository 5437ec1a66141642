import type { CheckboxField, FieldHook } from 'payload'

/** The context key the publication hook reads: this save asked for its correction to be emailed. */
export const NOTIFY_CONTEXT_KEY = 'notifySubscribers'

/**
 * An instruction for one save, not a property of the item: the hook passes it to the outbox event
 * and stores false, so the next correction does not go out by email unless asked again.
 */
const takeInstruction: FieldHook = ({ value, context }) => {
  context[NOTIFY_CONTEXT_KEY] = value === true
  return false
}

export const notifySubscribersField = (): CheckboxField => ({
  name: 'notifySubscribers',
  type: 'checkbox',
  defaultValue: false,
  label: 'Email this correction to everyone who received the original',
  admin: {
    position: 'sidebar',
    description: 'For a change to a published item. Unticks itself after the save.',
  },
  hooks: { beforeChange: [takeInstruction] },
})
