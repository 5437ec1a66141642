import fs from 'node:fs/promises'

import { DeliveryError } from '@/delivery/errors'
import type { PipelineEvent } from '@/domain/events'
import type { ChannelPort, DeliveryReceipt, ItemSnapshot, PlannedUnit } from '@/delivery/ports'

type Logger = { info: (object: object, message: string) => void }

/** Errors that waiting will not fix: the file path itself is wrong. */
const PERMANENT = new Set(['EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EINVAL'])

/**
 * The simplest channel: every event becomes one line, in the JSON log and, when LOG_CHANNEL_FILE is
 * set, appended to that file (one JSON object per line). It exercises the whole pipeline (outbox,
 * relay, flows, ledger) without a provider, which is what the spine's tests and benchmark need.
 */
export class LogChannel implements ChannelPort {
  readonly name = 'log'

  constructor(
    private readonly logger: Logger,
    private readonly file?: string,
  ) {}

  handles(): boolean {
    return true
  }

  async plan(): Promise<PlannedUnit[]> {
    return [{ key: 'line', data: undefined }]
  }

  async deliver(unit: PlannedUnit, event: PipelineEvent, item: ItemSnapshot): Promise<DeliveryReceipt> {
    const entry = { at: new Date().toISOString(), eventId: event.id, kind: event.kind, collection: event.collection, itemId: event.itemId, versionId: event.versionId, title: item.title, unit: unit.key }
    if (this.file) {
      try {
        await fs.appendFile(this.file, `${JSON.stringify(entry)}\n`)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown'
        throw new DeliveryError(`Could not append to the log file ${this.file} (${code})`, { retryable: !PERMANENT.has(code), cause: error })
      }
    }
    this.logger.info({ channel: this.name, ...entry }, `${event.kind} ${event.collection} ${event.itemId}`)
    return { detail: this.file ? `appended to ${this.file}` : 'logged' }
  }
}
