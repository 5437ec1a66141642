import { AtpAgent, ComAtprotoRepoGetRecord, RichText, XRPCError } from '@atproto/api'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'

import { startFakeBluesky, type FakeBluesky } from '../fakes/bluesky'

const ACCOUNT = { handle: 'newsroom.bsky.social', did: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz', password: 'abcd-efgh-ijkl-mnop' }
const POST = 'app.bsky.feed.post'
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/

let bluesky: FakeBluesky

beforeEach(async () => {
  bluesky = await startFakeBluesky({ accounts: [ACCOUNT] })
})

afterEach(() => bluesky.close())

async function loggedIn(fake = bluesky) {
  const agent = new AtpAgent({ service: fake.url })
  await agent.login({ identifier: ACCOUNT.handle, password: ACCOUNT.password })
  return agent
}

const post = (agent: AtpAgent, record: Record<string, unknown>, rkey?: string) =>
  agent.com.atproto.repo.createRecord({ repo: ACCOUNT.did, collection: POST, ...(rkey && { rkey }), record: { $type: POST, createdAt: new Date().toISOString(), ...record } })

/** The XRPCError the call was refused with. */
async function refusal(call: Promise<unknown>): Promise<XRPCError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!(error instanceof XRPCError)) throw new Error(`expected an XRPCError, got ${String(error)}`)
  return error
}

describe('the fake Bluesky PDS, driven by @atproto/api', () => {
  it('logs in with an app password by handle or DID, and the agent then talks to the PDS its DID document names', async () => {
    const agent = new AtpAgent({ service: bluesky.url })
    const { data } = await agent.login({ identifier: ACCOUNT.handle, password: ACCOUNT.password })
    expect(data).toMatchObject({ did: ACCOUNT.did, handle: ACCOUNT.handle, active: true })
    expect(data.accessJwt.split('.')).toHaveLength(3)
    expect(agent.session).toMatchObject({ did: ACCOUNT.did, accessJwt: data.accessJwt, refreshJwt: data.refreshJwt })
    expect(agent.pdsUrl?.href).toBe(`${bluesky.url}/`)

    await new AtpAgent({ service: bluesky.url }).login({ identifier: ACCOUNT.did, password: ACCOUNT.password })
    expect(bluesky.sessionsCreated).toBe(2)
    expect(bluesky.requests).toEqual([
      { method: 'POST', nsid: 'com.atproto.server.createSession', status: 200 },
      { method: 'POST', nsid: 'com.atproto.server.createSession', status: 200 },
    ])
  })

  it('refuses a wrong password with 401, and the agent is left without a session', async () => {
    const agent = new AtpAgent({ service: bluesky.url })
    const error = await refusal(agent.login({ identifier: ACCOUNT.handle, password: 'wxyz-wxyz-wxyz-wxyz' }))
    expect(error).toMatchObject({ status: 401, error: 'AuthenticationRequired', message: 'Invalid identifier or password' })
    expect(agent.hasSession).toBe(false)
    expect(bluesky.sessionsCreated).toBe(0)
  })

  it('stores a post with a link facet and a card; the facet covers exactly the link in UTF-8 bytes, emoji before it', async () => {
    const agent = await loggedIn()
    const link = 'https://example.org/alerts/flood-warning'
    const rt = new RichText({ text: `🚨🌊 Flood warning for the river valley: ${link}` })
    rt.detectFacetsWithoutResolution()
    const created = await post(agent, {
      text: rt.text,
      facets: rt.facets,
      langs: ['en'],
      embed: { $type: 'app.bsky.embed.external', external: { uri: link, title: 'Flood warning', description: 'Move to higher ground now.' } },
    })
    expect(created.data).toMatchObject({ uri: expect.stringMatching(`^at://${ACCOUNT.did}/${POST}/`), cid: expect.stringMatching(/^bafyrei[a-z2-7]{52}$/), validationStatus: 'valid' })
    expect(created.data.commit?.rev).toMatch(TID)
    expect(created.headers).toMatchObject({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '4997', 'ratelimit-policy': '5000;w=3600' })

    const [stored] = bluesky.records
    expect(stored).toMatchObject({ uri: created.data.uri, cid: created.data.cid, did: ACCOUNT.did, deleted: false })
    expect(stored!.rkey).toMatch(TID)
    const [facet] = rt.facets!
    expect(stored!.record.facets).toEqual([facet])
    expect(facet!.features).toEqual([{ $type: 'app.bsky.richtext.facet#link', uri: link }])
    expect(Buffer.from(rt.text).subarray(facet!.index.byteStart, facet!.index.byteEnd).toString()).toBe(link)
    // Each emoji is two UTF-16 units but four bytes: a UTF-16 offset would start the link two bytes early.
    expect(facet!.index.byteStart).toBe(rt.text.indexOf(link) + 4)

    const fetched = await agent.com.atproto.repo.getRecord({ repo: ACCOUNT.handle, collection: POST, rkey: stored!.rkey })
    expect(fetched.data).toEqual({ uri: created.data.uri, cid: created.data.cid, value: stored!.record })
  })

  it('counts text in graphemes (300) and UTF-8 bytes (3000) as the lexicon does, and refuses with the validator’s message', async () => {
    const agent = await loggedIn()
    expect(await refusal(post(agent, { text: 'a'.repeat(301) }))).toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
    })
    // 121 family emoji: 121 graphemes, but 25 bytes each.
    expect((await refusal(post(agent, { text: '👨‍👩‍👧‍👦'.repeat(121) }))).message).toBe('Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 characters')
    expect((await refusal(post(agent, { text: 'x', facets: [{ index: { byteStart: 0, byteEnd: 2 }, features: [] }] }))).message).toBe(
      "Invalid app.bsky.feed.post record: Record/facets/0/index must be a non-empty range of whole characters within the text's 1 UTF-8 bytes",
    )
    expect(bluesky.records).toEqual([])

    // 300 thumbs with a skin tone: 1,200 UTF-16 units, 2,400 bytes, 300 graphemes.
    await post(agent, { text: '👍🏽'.repeat(300) })
    expect(bluesky.records).toHaveLength(1)
  })

  it('takes a reply to an existing post, and refuses one whose parent is not there', async () => {
    const agent = await loggedIn()
    const root = await post(agent, { text: 'Flood warning: first update' })
    const rootRef = { uri: root.data.uri, cid: root.data.cid }
    const reply = await post(agent, { text: 'Second update: the water is going down', reply: { root: rootRef, parent: rootRef } })
    await post(agent, { text: 'Third update: all clear', reply: { root: rootRef, parent: { uri: reply.data.uri, cid: reply.data.cid } } })
    expect(bluesky.records.map((stored) => stored.record.reply)).toEqual([undefined, { root: rootRef, parent: rootRef }, { root: rootRef, parent: { uri: reply.data.uri, cid: reply.data.cid } }])

    const missing = { uri: `at://${ACCOUNT.did}/${POST}/3kaaaaaaaaaaa`, cid: root.data.cid }
    expect((await refusal(post(agent, { text: 'Orphan', reply: { root: rootRef, parent: missing } }))).message).toBe(
      'Invalid app.bsky.feed.post record: Record/reply/parent must be the uri and cid of an existing post',
    )
  })

  it('refuses a second post with the same rkey with the PDS’s bare 500, and keeps the first', async () => {
    const agent = await loggedIn()
    const rkey = '3lbqhx2kp5c2s'
    const first = await post(agent, { text: 'Statement 42, first send' }, rkey)
    expect(first.data.uri).toBe(`at://${ACCOUNT.did}/${POST}/${rkey}`)

    expect(await refusal(post(agent, { text: 'Statement 42, sent again' }, rkey))).toMatchObject({ status: 500, error: 'InternalServerError', message: 'Internal Server Error' })
    const { data } = await agent.com.atproto.repo.getRecord({ repo: ACCOUNT.did, collection: POST, rkey })
    expect(data).toMatchObject({ uri: first.data.uri, cid: first.data.cid, value: { text: 'Statement 42, first send' } })
    expect(bluesky.records).toHaveLength(1)

    expect(await refusal(post(agent, { text: 'Statement 43' }, 'statement-43'))).toMatchObject({ status: 400, message: 'Input/rkey must be a valid TID' })
  })

  it('answers an expired access token with 400 ExpiredToken; the agent refreshes and retries on its own, without a new login', async () => {
    const agent = await loggedIn()
    await post(agent, { text: 'Before expiry' })
    const { accessJwt, refreshJwt } = agent.session!

    bluesky.expireSessions()
    await post(agent, { text: 'After expiry' })
    expect(agent.session!.accessJwt).not.toBe(accessJwt)
    expect(agent.session!.refreshJwt).not.toBe(refreshJwt)
    expect(bluesky.requests.slice(-3)).toEqual([
      { method: 'POST', nsid: 'com.atproto.repo.createRecord', status: 400 },
      { method: 'POST', nsid: 'com.atproto.server.refreshSession', status: 200 },
      { method: 'POST', nsid: 'com.atproto.repo.createRecord', status: 200 },
    ])

    bluesky.expireSessions()
    await post(agent, { text: 'After a second expiry, with the rotated refresh token' })
    expect(bluesky.records.map((stored) => stored.record.text)).toEqual(['Before expiry', 'After expiry', 'After a second expiry, with the rotated refresh token'])
    expect(bluesky.sessionsCreated).toBe(1)
  })

  it('deletes a post, after which getRecord answers RecordNotFound; deleting it again is a 200 no-op', async () => {
    const agent = await loggedIn()
    const created = await post(agent, { text: 'Posted by mistake' })
    const rkey = bluesky.records[0]!.rkey
    const deleted = await agent.com.atproto.repo.deleteRecord({ repo: ACCOUNT.did, collection: POST, rkey })
    expect(deleted.data.commit?.rev).toMatch(TID)
    expect(bluesky.records[0]!.deleted).toBe(true)

    const error = await refusal(agent.com.atproto.repo.getRecord({ repo: ACCOUNT.did, collection: POST, rkey }))
    expect(error).toBeInstanceOf(ComAtprotoRepoGetRecord.RecordNotFoundError)
    expect(error).toMatchObject({ status: 400, error: 'RecordNotFound', message: `Could not locate record: ${created.data.uri}` })

    const again = await agent.com.atproto.repo.deleteRecord({ repo: ACCOUNT.did, collection: POST, rkey })
    expect(again.data.commit).toBeUndefined()
  })

  it('fails the next writes as told (503, or 429 with rate-limit headers), storing nothing, then works again', async () => {
    const agent = await loggedIn()
    bluesky.failNext(1, 503)
    expect(await refusal(post(agent, { text: 'During the outage' }))).toMatchObject({ status: 503, error: 'ServiceUnavailable', message: 'Service Unavailable' })

    bluesky.failNext(1, 429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1893456000' })
    const limited = await refusal(post(agent, { text: 'While limited' }))
    expect(limited).toMatchObject({ status: 429, error: 'RateLimitExceeded', headers: expect.objectContaining({ 'ratelimit-reset': '1893456000' }) })
    expect(bluesky.records).toEqual([])

    await post(agent, { text: 'After the outage' })
    expect(bluesky.records.map((stored) => stored.record.text)).toEqual(['After the outage'])
  })

  it('charges 3 write points a post and refuses with 429 RateLimitExceeded once the hour’s budget is spent', async () => {
    const limited = await startFakeBluesky({ accounts: [ACCOUNT], writePointsPerHour: 10 })
    onTestFinished(() => limited.close())
    const agent = await loggedIn(limited)
    const remaining: (string | undefined)[] = []
    for (const text of ['One', 'Two', 'Three']) remaining.push((await post(agent, { text })).headers['ratelimit-remaining'])
    expect(remaining).toEqual(['7', '4', '1'])

    const error = await refusal(post(agent, { text: 'Four' }))
    expect(error).toMatchObject({ status: 429, error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' })
    expect(error.headers).toMatchObject({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-policy': '10;w=3600' })
    const reset = Number(error.headers!['ratelimit-reset']) * 1000
    expect(reset).toBeGreaterThan(Date.now())
    expect(reset).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000)
    expect(limited.records).toHaveLength(3)
  })

  it('answers the rest as xrpc-server does: unknown method, wrong verb, missing or bad token, bad input, oversized body', async () => {
    const { accessJwt } = (await loggedIn()).session!
    const call = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${bluesky.url}${path}`, init)
      return { status: response.status, body: await response.json() }
    }
    const write = (authorization: string | undefined, body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...(authorization && { authorization }) }, body })

    expect(await call('/xrpc/com.atproto.repo.putRecord', write(`Bearer ${accessJwt}`, '{}'))).toEqual({ status: 501, body: { error: 'MethodNotImplemented', message: 'Method Not Implemented' } })
    expect(await call('/xrpc/com.atproto.repo.createRecord')).toEqual({ status: 400, body: { error: 'InvalidRequest', message: 'Incorrect HTTP method (GET) expected POST' } })
    expect(await call('/xrpc/com.atproto.repo.createRecord', write(undefined, '{}'))).toEqual({ status: 401, body: { error: 'AuthMissing', message: 'Authentication Required' } })
    expect(await call('/xrpc/com.atproto.repo.createRecord', write('Bearer not-a-token', '{}'))).toEqual({ status: 400, body: { error: 'InvalidToken', message: 'Token could not be verified' } })
    expect(await call('/xrpc/com.atproto.repo.createRecord', write(`Bearer ${accessJwt}`, '{}'))).toEqual({ status: 400, body: { error: 'InvalidRequest', message: 'Input must have the property "repo"' } })
    expect(await call('/xrpc/com.atproto.repo.createRecord', write(`Bearer ${accessJwt}`, JSON.stringify({ text: 'x'.repeat(200_000) })))).toEqual({
      status: 413,
      body: { error: 'PayloadTooLarge', message: 'request entity too large' },
    })
  })
})
