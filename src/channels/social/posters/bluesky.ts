import { createHash } from 'node:crypto'

import { AtpAgent, AtUri, XRPCError } from '@atproto/api'

import type { DeliveryError } from '@/delivery/errors'
import { httpDeliveryError, networkDeliveryError } from '@/delivery/http-failure'
import type { OutgoingPost, PostedReceipt, SocialAccountAccess, SocialPoster } from '@/channels/social/poster'
import { linkFacets } from '@/channels/social/bluesky-facets'

import { socialFailure } from './social-failure'

const POST = 'app.bsky.feed.post'

type Session = { agent: AtpAgent; fingerprint: string }
type StrongRef = { uri: string; cid: string }

/**
 * Bluesky through `@atproto/api`: a post is an `app.bsky.feed.post` record with link facets and an
 * external embed card for the item's page, written under the record key chosen when the post was
 * planned, so a retry after a crash finds the record the first attempt wrote instead of writing a
 * second. One session per account, kept and refreshed by the agent (Bluesky limits sign-ins).
 */
export class BlueskyPoster implements SocialPoster {
  private readonly sessions = new Map<string, Session>()

  async publish(account: SocialAccountAccess, post: OutgoingPost): Promise<PostedReceipt> {
    return this.withSession(account, async (agent) => {
      const did = agent.session!.did
      const receipt = (rkey: string) => ({ remoteId: `at://${did}/${POST}/${rkey}`, url: `https://bsky.app/profile/${agent.session!.handle}/post/${rkey}` })
      const rkey = post.recordKey ?? undefined
      if (rkey && (await this.find(agent, did, rkey))) return receipt(rkey)
      const record = {
        $type: POST,
        text: post.text,
        createdAt: new Date().toISOString(),
        facets: linkFacets(post.text, post.link),
        embed: { $type: 'app.bsky.embed.external', external: { uri: post.link, title: post.card.title, description: post.card.description } },
        ...(post.replyTo ? { reply: await this.replyRefs(agent, post.replyTo) } : {}),
      }
      const { data } = await agent.com.atproto.repo.createRecord({ repo: did, collection: POST, rkey, record })
      return receipt(new AtUri(data.uri).rkey)
    })
  }

  async remove(account: SocialAccountAccess, remoteId: string): Promise<void> {
    const uri = new AtUri(remoteId)
    // Deleting a record that is not there succeeds: a post already gone counts as deleted.
    await this.withSession(account, (agent) => agent.com.atproto.repo.deleteRecord({ repo: uri.host, collection: uri.collection, rkey: uri.rkey }))
  }

  private async find(agent: AtpAgent, did: string, rkey: string): Promise<StrongRef | undefined> {
    try {
      const { data } = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST, rkey })
      return { uri: data.uri, cid: data.cid! }
    } catch (error) {
      if (error instanceof XRPCError && error.error === 'RecordNotFound') return undefined
      throw error
    }
  }

  /** A reply names its parent and the thread's root, each by URI and content hash. */
  private async replyRefs(agent: AtpAgent, parentUri: string): Promise<{ root: StrongRef; parent: StrongRef }> {
    const uri = new AtUri(parentUri)
    const { data } = await agent.com.atproto.repo.getRecord({ repo: uri.host, collection: uri.collection, rkey: uri.rkey })
    const parent = { uri: data.uri, cid: data.cid! }
    const root = (data.value as { reply?: { root?: StrongRef } }).reply?.root ?? parent
    return { root, parent }
  }

  private async withSession<T>(account: SocialAccountAccess, act: (agent: AtpAgent) => Promise<T>): Promise<T> {
    const key = String(account.id)
    try {
      return await act(await this.session(account))
    } catch (error) {
      const failure = blueskyError(error)
      if (failure.pausesChannel) this.sessions.delete(key) // a refused session is not reused
      throw socialFailure(failure, 'app password')
    }
  }

  private async session(account: SocialAccountAccess): Promise<AtpAgent> {
    const fingerprint = createHash('sha256').update(`${account.baseUrl}\n${account.identifier ?? ''}\n${account.credential}`).digest('hex')
    const key = String(account.id)
    const cached = this.sessions.get(key)
    // The agent drops its session when a refresh fails: then it signs in again.
    if (cached?.fingerprint === fingerprint && cached.agent.hasSession) return cached.agent
    if (!account.identifier) throw new XRPCError(400, 'InvalidRequest', 'The Bluesky account has no handle to sign in as: set its identifier.')
    const agent = new AtpAgent({ service: account.baseUrl })
    await agent.login({ identifier: account.identifier, password: account.credential })
    this.sessions.set(key, { agent, fingerprint })
    return agent
  }
}

function blueskyError(error: unknown): DeliveryError {
  if (!(error instanceof XRPCError) || error.status < 100) return networkDeliveryError('Bluesky', error)
  const reset = Number(error.headers?.['ratelimit-reset'])
  const retryAfter = Number.isFinite(reset) ? String(Math.max(1, Math.ceil(reset - Date.now() / 1000))) : null
  const said = [error.error, error.message].filter((part, index, parts) => part && parts.indexOf(part) === index).join(': ')
  return httpDeliveryError('Bluesky', error.status, said, retryAfter)
}
