import pino, { type LoggerOptions } from 'pino'

import { scrubForLog } from './log-privacy'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

// Read directly rather than through getEnv(), so that a bad variable elsewhere can still be logged;
// getEnv() reports an invalid LOG_LEVEL at start.
const level = LEVELS.includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info'

/**
 * JSON lines, with no subscriber's address (hashed) and no credential (removed) in any line, whoever
 * logs it: ours, Payload's, a library's error message.
 */
export const loggerOptions: LoggerOptions = {
  level,
  base: { service: process.env.SERVICE_NAME ?? 'app' },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((arg) => scrubForLog(arg)) as Parameters<typeof method>)
    },
  },
}

/** On stdout, shared by Payload, the app and the workers. */
export const logger = pino(loggerOptions)
