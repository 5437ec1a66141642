import { APIError, type CollectionBeforeOperationHook } from 'payload'

const MB = 1024 * 1024

/**
 * Refuses an upload above the collection's own limit with a message that says both sizes. The
 * config-wide limit caps every request; this one is per kind of file (images are smaller than reports).
 */
export const limitFileSize =
  (maxBytes: number, what: string): CollectionBeforeOperationHook =>
  ({ req, operation }) => {
    if (operation !== 'create' && operation !== 'update') return
    const size = req.file?.size
    if (size !== undefined && size > maxBytes) {
      throw new APIError(
        `This file is ${(size / MB).toFixed(1)} MB; ${what} may be at most ${(maxBytes / MB).toFixed(0)} MB.`,
        413,
        undefined,
        true,
      )
    }
  }
