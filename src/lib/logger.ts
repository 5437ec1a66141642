import pino from 'pino'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

// Read directly rather than through getEnv(), so that a bad variable elsewhere can still be logged;
// getEnv() reports an invalid LOG_LEVEL at start.
const level = LEVELS.includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info'

/** JSON lines on stdout, shared by Payload, the app and the workers. */
export const logger = pino({ level, base: { service: process.env.SERVICE_NAME ?? 'app' } })
