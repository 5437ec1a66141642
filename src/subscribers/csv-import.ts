import { parse } from 'csv-parse/sync'
import { z } from 'zod'

/** One person the file asks to add, checked. */
export type ImportRow = { line: number; email: string; topicSlugs: string[] | undefined; urgentOnly: boolean; consentedAt: Date | undefined }
/** A row that was not imported, and why, in words staff can act on. */
export type RejectedRow = { line: number; email: string; reason: string }
export type ParsedImport = { rows: ImportRow[]; rejected: RejectedRow[]; rowsRead: number; ignoredColumns: string[] }

export class CsvImportError extends Error {
  override name = 'CsvImportError'
}

export const MAX_IMPORT_ROWS = 250_000

const emailSchema = z.email()

/** Column names as people write them ("Email address", "E-mail", "urgent only") mapped to ours. */
const COLUMN_ALIASES: Record<string, 'email' | 'topics' | 'urgent_only' | 'consented_at'> = {
  email: 'email',
  email_address: 'email',
  e_mail: 'email',
  e_mail_address: 'email',
  topics: 'topics',
  topic: 'topics',
  urgent_only: 'urgent_only',
  urgent: 'urgent_only',
  consented_at: 'consented_at',
  consent_date: 'consented_at',
  consent_given_at: 'consented_at',
}
const normaliseHeader = (header: string) => header.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')

const YES = new Set(['yes', 'y', 'true', '1'])
const NO = new Set(['no', 'n', 'false', '0', ''])

/**
 * Reads and checks a subscriber list exported from another system: a header row with at least an
 * email column, optionally topics (slugs separated by ";" or "|"), urgent_only (yes/no) and
 * consented_at (when the person agreed, a date). Every row is checked on its own; a bad row is
 * reported with its line number and reason and the rest go ahead. A file that is not a readable CSV
 * with an email column is refused as a whole (CsvImportError), so nothing half-read is imported.
 */
export function parseSubscriberCsv(text: string, knownTopicSlugs: ReadonlySet<string>, now = new Date()): ParsedImport {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, max_record_size: 64 * 1024 })
  } catch (error) {
    throw new CsvImportError(`The file is not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`)
  }
  const [header, ...data] = records
  if (!header) throw new CsvImportError('The file is empty: it needs a header row with an "email" column, then one row per person.')
  const columns = header.map((name) => COLUMN_ALIASES[normaliseHeader(name)])
  const emailColumn = columns.indexOf('email')
  if (emailColumn < 0) throw new CsvImportError(`The header row has no "email" column (it has: ${header.map((name) => `"${name}"`).join(', ')}).`)
  if (data.length > MAX_IMPORT_ROWS) throw new CsvImportError(`The file has ${data.length.toLocaleString('en')} rows; an import takes at most ${MAX_IMPORT_ROWS.toLocaleString('en')}. Split it into smaller files.`)
  const column = (record: string[], name: string) => {
    const index = columns.indexOf(name as never)
    return index < 0 ? undefined : (record[index] ?? '')
  }

  const rows: ImportRow[] = []
  const rejected: RejectedRow[] = []
  const firstLine = new Map<string, number>()
  data.forEach((record, index) => {
    const line = index + 2 // the header is line 1
    const email = (record[emailColumn] ?? '').trim().toLowerCase()
    const reject = (reason: string) => rejected.push({ line, email: email.slice(0, 254), reason })
    if (!email) return reject('no email address')
    if (email.length > 254 || !emailSchema.safeParse(email).success) return reject('not a valid email address')
    const earlier = firstLine.get(email)
    if (earlier) return reject(`the same address is on line ${earlier}`)
    firstLine.set(email, line)

    const topicsText = column(record, 'topics')
    const topicSlugs = topicsText ? topicsText.split(/[;|]/).map((slug) => slug.trim().toLowerCase()).filter(Boolean) : undefined
    const unknown = topicSlugs?.find((slug) => !knownTopicSlugs.has(slug))
    if (unknown) return reject(`there is no topic "${unknown}"`)

    const urgentText = (column(record, 'urgent_only') ?? '').toLowerCase()
    if (!YES.has(urgentText) && !NO.has(urgentText)) return reject(`urgent_only must be yes or no, not "${urgentText.slice(0, 20)}"`)

    const consentText = column(record, 'consented_at')
    const consentedAt = consentText ? new Date(consentText) : undefined
    if (consentedAt && Number.isNaN(consentedAt.getTime())) return reject(`consented_at is not a date: "${consentText!.slice(0, 40)}"`)
    if (consentedAt && consentedAt.getTime() > now.getTime()) return reject('consented_at is in the future')

    rows.push({ line, email, topicSlugs, urgentOnly: YES.has(urgentText), consentedAt })
  })
  const ignoredColumns = header.filter((_, index) => columns[index] === undefined)
  return { rows, rejected, rowsRead: data.length, ignoredColumns }
}
