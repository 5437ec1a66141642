/** A ledger unit key without its event's uid and channel: "batch-00003" of "<uuid>-email-batch-00003". */
export const keyWithinEvent = (unitKey: string, channel: string) => unitKey.replace(new RegExp(`^[0-9a-f-]{36}-${channel}-`), '')
