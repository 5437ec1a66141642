import { ConfigError } from './config-error'

/**
 * Entry-point wrapper: a ConfigError (a problem the operator must fix) is printed as one line and the
 * process exits 1; anything else is unexpected and keeps its stack trace.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`error: ${error.message}`)
      process.exit(1)
    }
    throw error
  }
}
