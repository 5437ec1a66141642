import { APIError, type CollectionAfterChangeHook, type CollectionBeforeChangeHook } from 'payload'

import { CsvImportError, parseSubscriberCsv, type RejectedRow } from '@/subscribers/csv-import'
import { logger } from '@/lib/logger'
import { importSubscribers, linkToImport } from '@/subscribers/import-subscribers'
import { relationId } from '@/lib/relation-id'

/** How many rejected rows the report keeps, with their reasons; the count is always complete. */
const REPORTED_REJECTIONS = 1000


/**
 * Reads the uploaded CSV, checks every row and adds the good ones, all inside the create request's
 * transaction: a file that cannot be read is refused with a 400 and nothing is stored; otherwise the
 * import record keeps the report (rows read, added, already subscribed, rejected with line and reason).
 */
export const runImport: CollectionBeforeChangeHook = async ({ req, data, operation }) => {
  if (operation !== 'create') return data
  const file = req.file
  if (!file?.data) throw new APIError('Choose a CSV file to import.', 400, undefined, true)

  const text = file.data.toString('utf8')
  if (text.includes('\uFFFD')) throw new APIError('The file is not UTF-8 text: save it from your spreadsheet as "CSV UTF-8" and upload it again.', 400, undefined, true)
  const { docs: topics } = await req.payload.find({ collection: 'topics', pagination: false, depth: 0, select: { slug: true }, req })
  const topicIdsBySlug = new Map(topics.map((topic) => [String(topic.slug), topic.id]))

  let parsed
  try {
    parsed = parseSubscriberCsv(text, new Set(topicIdsBySlug.keys()))
  } catch (error) {
    if (error instanceof CsvImportError) {
      logger.info({ route: 'subscriber-import', userId: req.user?.id, reason: error.message }, 'subscriber import refused')
      throw new APIError(error.message, 400, undefined, true)
    }
    throw error
  }

  const outcome = await importSubscribers(req, parsed.rows, {
    askToConfirm: Boolean(data.sendConfirmation),
    wordingVersion: data.wordingVersion,
    defaultTopicIds: ((data.topics as ({ id: number } | number)[] | undefined) ?? []).map((topic) => relationId(topic)!),
    topicIdsBySlug,
  })
  const rejected: RejectedRow[] = [...parsed.rejected, ...outcome.rejected].sort((a, b) => a.line - b.line)
  req.context.importedSubscriberIds = outcome.addedIds
  const added = outcome.addedIds.length
  const summary = [
    `${parsed.rowsRead.toLocaleString('en')} rows read`,
    `${added.toLocaleString('en')} added${added > 0 ? (data.sendConfirmation ? ' (pending: each gets one confirmation email)' : ' (confirmed, no email sent)') : ''}`,
    `${outcome.alreadySubscribed.toLocaleString('en')} already on the list (left as they were)`,
    `${rejected.length.toLocaleString('en')} rejected`,
  ].join(', ')
  logger.info({ route: 'subscriber-import', userId: req.user?.id, rowsRead: parsed.rowsRead, added, alreadySubscribed: outcome.alreadySubscribed, rejected: rejected.length }, 'subscribers imported')
  return {
    ...data,
    importedBy: req.user?.id ?? null,
    report: {
      summary,
      rowsRead: parsed.rowsRead,
      added,
      alreadySubscribed: outcome.alreadySubscribed,
      rejected: rejected.length,
      ignoredColumns: parsed.ignoredColumns.join(', ') || null,
      rejectedRows: rejected.slice(0, REPORTED_REJECTIONS),
    },
  }
}

/** Once the import has an id: the people it added point at it as the source of their consent. */
export const linkImported: CollectionAfterChangeHook = async ({ req, doc, operation }) => {
  const ids = req.context.importedSubscriberIds as (number | string)[] | undefined
  if (operation === 'create' && ids?.length) await linkToImport(req, doc.id, ids)
  return doc
}
