/** A time this far in the past still counts as "now": the form was filled in a minute ago. */
const GRACE_MS = 60_000

/** Whether a time staff chose (a post's, a launch's) has passed, so it can no longer be scheduled. */
export const timeHasPassed = (iso: string, now = Date.now()): boolean => Date.parse(iso) < now - GRACE_MS
