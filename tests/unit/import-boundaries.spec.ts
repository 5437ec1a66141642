/**
 * The layout's import boundaries, as ESLint enforces them (eslint.config.js): code that crosses one is
 * refused with the reason, code that keeps to them passes. Each case is linted as if it were a file at
 * the given place in the tree.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

/** What the boundary rule says about `code` at `filePath`: its messages, none when it keeps to the layout. */
async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath })
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message)
}

describe('the import boundaries', () => {
  it('refuse a channel importing another channel', async () => {
    const messages = await boundaryMessages('src/channels/email/digest.ts', "import { FeedChannel } from '@/channels/feeds/feed-channel'\nexport const feeds = FeedChannel")
    expect(messages).toEqual([expect.stringContaining('A channel never imports another channel')])
  })

  it('refuse the app importing the worker', async () => {
    const messages = await boundaryMessages('src/site/status.ts', "import { startRelay } from '../../workers/relay'\nexport const relay = startRelay")
    expect(messages).toEqual([expect.stringContaining("Reach outside this folder through the '@/' alias"), expect.stringContaining('The app never imports the worker')])
  })

  it('refuse a framework, or anything but the domain, in the delivery core', async () => {
    expect(await boundaryMessages('src/delivery/retry.ts', "import type { Payload } from 'payload'\nexport type P = Payload")).toEqual([expect.stringContaining('The delivery core imports no framework')])
    expect(await boundaryMessages('src/delivery/retry.ts', "import { logger } from '@/lib/logger'\nexport const l = logger")).toEqual([expect.stringContaining('The delivery core imports only src/domain and itself')])
  })

  it('refuse domain logic importing the delivery core or a framework', async () => {
    expect(await boundaryMessages('src/domain/wording.ts', "import { DeliveryError } from '@/delivery/errors'\nexport const E = DeliveryError")).toEqual([expect.stringContaining('Domain logic imports only src/domain')])
    expect(await boundaryMessages('src/domain/wording.ts', "import { Queue } from 'bullmq'\nexport const Q = Queue")).toEqual([expect.stringContaining('Domain logic is pure')])
  })

  it('refuse a feature in src/lib', async () => {
    expect(await boundaryMessages('src/lib/cache.ts', "import { siteBaseUrl } from '@/site/site-url'\nexport const u = siteBaseUrl")).toEqual([expect.stringContaining('src/lib is infrastructure')])
    expect(await boundaryMessages('src/lib/cache.ts', "import { CHANNELS } from '@/channels'\nexport const c = CHANNELS")).toEqual([expect.stringContaining('src/lib is infrastructure')])
  })

  it('let code that keeps to the layout through', async () => {
    expect(await boundaryMessages('src/channels/email/digest.ts', "import { deliverUnit } from '@/delivery/deliver-unit'\nimport { siteBaseUrl } from '@/site/site-url'\nexport const d = [deliverUnit, siteBaseUrl]")).toEqual([])
    expect(await boundaryMessages('src/delivery/retry.ts', "import type { PipelineEvent } from '@/domain/events'\nexport type E = PipelineEvent")).toEqual([])
    expect(await boundaryMessages('workers/extra.ts', "import { CHANNELS } from '../src/channels'\nexport const c = CHANNELS")).toEqual([])
  })
})
