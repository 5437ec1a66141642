import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** OASIS's CAP 1.2 schema, kept in the repository byte for byte (tests/standards/README.md). */
export const CAP_SCHEMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../standards/CAP-v1.2.xsd')

const xmllint = (args: string[], input: string) => {
  const run = spawnSync('xmllint', args, { input, encoding: 'utf8' })
  if (run.error) throw new Error(`xmllint could not run (Debian: apt-get install libxml2-utils): ${run.error.message}`)
  return run
}

/**
 * What xmllint, validating against the official schema, says is wrong with one CAP message: '' when
 * it validates.
 */
export function capSchemaErrors(alertXml: string): string {
  const run = xmllint(['--noout', '--schema', CAP_SCHEMA, '-'], alertXml)
  return run.status === 0 ? '' : run.stderr.trim() || `xmllint exited ${run.status}`
}

/**
 * The CAP messages inside a document (the alerts' Atom index), each serialised on its own by
 * xmllint, as a consumer taking one entry's content would have it.
 */
export function capMessagesIn(xml: string): string[] {
  const alert = '//*[local-name()="alert" and namespace-uri()="urn:oasis:names:tc:emergency:cap:1.2"]'
  const count = Number(xmllint(['--xpath', `count(${alert})`, '-'], xml).stdout.trim())
  return Array.from({ length: count }, (_, index) => {
    const run = xmllint(['--xpath', `(${alert})[${index + 1}]`, '-'], xml)
    if (run.status !== 0) throw new Error(`xmllint could not read message ${index + 1}: ${run.stderr}`)
    return run.stdout
  })
}
