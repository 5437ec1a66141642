/** A beforeOperation hook (collections and globals alike) that tells Payload to skip its lock check. */
export const skipLockCheck = ({ args }: { args: Record<string, unknown> }) => ({ ...args, overrideLock: true })
