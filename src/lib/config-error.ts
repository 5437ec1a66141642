/**
 * A start-up problem a person must fix (a missing secret, an unknown database scheme, a server that
 * does not answer). Entry points print its message as one line and exit; it never carries a stack
 * trace to the operator.
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
}
