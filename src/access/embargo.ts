import { Forbidden, type Access, type CollectionAfterErrorHook, type Where } from 'payload'

import { relationId } from '@/lib/relation-id'

/**
 * Report PDFs: staff see every one; the public only those of published reports, so the file of an
 * embargoed (scheduled) report cannot be fetched by its URL before the launch.
 */
export const filesOfPublishedReports: Access = async ({ req }) => {
  if (req.user) return true
  const { docs } = await req.payload.find({ collection: 'reports', where: { _status: { equals: 'published' } }, depth: 0, limit: 0, pagination: false, select: { reportFile: true }, req })
  const ids = docs.map((report) => relationId(report.reportFile)).filter((id) => id !== undefined)
  return ids.length > 0 ? { id: { in: ids } } : false
}

/**
 * Images: the public sees every image except the hero or cover image of an item that is not live (a
 * scheduled launch's picture stays under embargo with it); staff see all.
 */
export const imagesOutsideEmbargo: Access = async ({ req }) => {
  if (req.user) return true
  // Only items that are not live and have a picture: this runs for every image a public page shows.
  // One query after the other: on the embedded database a request's queries share one session.
  const notLiveWith = (field: string): Where => ({ and: [{ _status: { equals: 'draft' } }, { [field]: { exists: true } }] })
  const announcements = await req.payload.find({ collection: 'announcements', where: notLiveWith('heroImage'), depth: 0, limit: 0, pagination: false, select: { heroImage: true }, req })
  const reports = await req.payload.find({ collection: 'reports', where: notLiveWith('coverImage'), depth: 0, limit: 0, pagination: false, select: { coverImage: true }, req })
  const ids = [...announcements.docs.map((item) => relationId(item.heroImage)), ...reports.docs.map((item) => relationId(item.coverImage))].filter((id) => id !== undefined)
  return ids.length > 0 ? { id: { not_in: ids } } : true
}

/**
 * A file the public may not read answers 404, as one that does not exist: a 403 would confirm that an
 * embargoed report's PDF is there, and its name says what the report is about.
 */
export const hideRefusedFiles: CollectionAfterErrorHook = ({ error, req }) => {
  if (req.user || !(error instanceof Forbidden)) return
  return { status: 404, response: { errors: [{ message: 'Not Found' }] } }
}
