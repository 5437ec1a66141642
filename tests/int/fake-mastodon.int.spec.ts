/** The fake Mastodon driven by the real client (masto 7): what a poster sees of a Mastodon server, errors included. */
import { createRestAPIClient, MastoHttpError } from 'masto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { startFakeMastodon, type FakeMastodon } from '../fakes/mastodon'

const ALICE = 'token-alice'
const BOB = 'token-bob'

let fake: FakeMastodon
let masto: ReturnType<typeof createRestAPIClient>

beforeAll(async () => {
  fake = await startFakeMastodon({ tokens: { [ALICE]: 'alice', [BOB]: 'bob' } })
  masto = createRestAPIClient({ url: fake.url, accessToken: ALICE })
})
afterAll(() => fake.close())

/** masto 7 takes per-request headers (and the abort signal) in the second argument's requestInit. */
const withKey = (key: string, signal?: AbortSignal) => ({ requestInit: { headers: { 'Idempotency-Key': key }, signal } })

/** What the promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  )
}

describe('fake Mastodon through masto', () => {
  it('posts a status and answers with the Status entity, which masto camel-cases', async () => {
    const status = await masto.v1.statuses.create({ status: 'Water main burst on <Elm> St & 5th', visibility: 'unlisted', language: 'en' })

    // Snowflake ids are past Number.MAX_SAFE_INTEGER: they only survive as strings.
    expect(BigInt(status.id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER))
    expect(status.url).toBe(`${fake.url}/@alice/${status.id}`)
    expect(status.content).toBe('<p>Water main burst on &lt;Elm&gt; St &amp; 5th</p>')
    expect(status).toMatchObject({ visibility: 'unlisted', language: 'en', inReplyToId: null, account: { username: 'alice', acct: 'alice' } })
    expect(fake.statuses.at(-1)).toMatchObject({ id: status.id, text: 'Water main burst on <Elm> St & 5th', account: 'alice', deleted: false })
    expect(await masto.v1.statuses.$select(status.id).fetch()).toMatchObject({ id: status.id, content: status.content })
    expect(await masto.v1.accounts.verifyCredentials()).toMatchObject({ id: status.account.id, username: 'alice' })
  })

  it('replies with inReplyToId, and refuses a reply to a status that does not exist', async () => {
    const parent = await masto.v1.statuses.create({ status: 'More to follow.' })
    const reply = await masto.v1.statuses.create({ status: 'Road reopened.', inReplyToId: parent.id })

    expect(reply).toMatchObject({ inReplyToId: parent.id, inReplyToAccountId: parent.account.id })
    expect(await masto.v1.statuses.$select(parent.id).fetch()).toMatchObject({ repliesCount: 1 })
    expect(await rejection(masto.v1.statuses.create({ status: 'Orphan.', inReplyToId: '1' }))).toMatchObject({
      statusCode: 404,
      message: 'The post you are trying to reply to does not appear to exist.',
    })
  })

  it('answers a repeated Idempotency-Key from the same account with the first status', async () => {
    const first = await masto.v1.statuses.create({ status: 'Boil water notice.' }, withKey('notice-1'))
    const again = await masto.v1.statuses.create({ status: 'Boil water notice, again.' }, withKey('notice-1'))
    const bobs = await createRestAPIClient({ url: fake.url, accessToken: BOB }).v1.statuses.create({ status: 'Mine.' }, withKey('notice-1'))

    expect(again).toMatchObject({ id: first.id, content: '<p>Boil water notice.</p>' })
    expect(bobs.id).not.toBe(first.id)
    expect(fake.statuses.filter((status) => status.idempotencyKey === 'notice-1').map((status) => status.account)).toEqual(['alice', 'bob'])
  })

  it('refuses 501 characters and a blank status with Mastodon’s 422, counting grapheme clusters', async () => {
    const before = fake.statuses.length
    const tooLong = await rejection(masto.v1.statuses.create({ status: 'a'.repeat(501) }))
    expect(tooLong).toBeInstanceOf(MastoHttpError)
    expect(tooLong).toMatchObject({ statusCode: 422, message: 'Validation failed: Text character limit of 500 exceeded' })
    expect(await rejection(masto.v1.statuses.create({ status: '  \n' }))).toMatchObject({
      statusCode: 422,
      message: "Validation failed: Text can't be blank",
    })
    expect(fake.statuses).toHaveLength(before)

    // 👩‍🚒 is three code points, five UTF-16 units, one character.
    await masto.v1.statuses.create({ status: '👩‍🚒'.repeat(500) })
  })

  it('counts every URL as 23 characters and a mention @user@domain as @user', async () => {
    const url = `https://example.org/${'p'.repeat(180)}`
    expect(url).toHaveLength(200)

    await masto.v1.statuses.create({ status: `${'a'.repeat(476)} ${url}` }) // 477 + 23 = 500
    expect(await rejection(masto.v1.statuses.create({ status: `${'a'.repeat(477)} ${url}` }))).toMatchObject({ statusCode: 422 })
    await masto.v1.statuses.create({ status: `${'a'.repeat(495)} @bob@${'relay.'.repeat(10)}example` }) // 496 + "@bob" = 500
  })

  it('answers an unknown or missing token with 401', async () => {
    const before = fake.statuses.length
    const stranger = createRestAPIClient({ url: fake.url, accessToken: 'not-a-token' })
    const anonymous = createRestAPIClient({ url: fake.url })

    for (const request of [
      () => stranger.v1.statuses.create({ status: 'x' }),
      () => anonymous.v1.statuses.create({ status: 'x' }),
      () => stranger.v1.accounts.verifyCredentials(),
    ]) {
      expect(await rejection(request())).toMatchObject({ statusCode: 401, message: 'The access token is invalid' })
    }
    expect(fake.statuses).toHaveLength(before)
  })

  it('fails on demand without acting; an HTML error page reaches masto’s caller as a TypeError without statusCode', async () => {
    fake.failNext(1, 503)
    expect(await rejection(masto.v1.statuses.create({ status: 'Try 1.' }, withKey('flaky')))).toMatchObject({
      statusCode: 503,
      message: 'Service Unavailable',
    })

    fake.failNext(1, 429, undefined, { 'Retry-After': '30' })
    const throttled = await rejection(masto.v1.statuses.create({ status: 'Try 2.' }, withKey('flaky')))
    expect(throttled).toMatchObject({ statusCode: 429 })
    expect(((throttled as MastoHttpError).cause as Response).headers.get('retry-after')).toBe('30')

    fake.failNext(1, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>')
    const badGateway = await rejection(masto.v1.statuses.create({ status: 'Try 3.' }, withKey('flaky')))
    expect(badGateway).toBeInstanceOf(TypeError)
    expect(badGateway).not.toHaveProperty('statusCode')

    expect(fake.statuses.some((status) => status.idempotencyKey === 'flaky')).toBe(false)
    await masto.v1.statuses.create({ status: 'Try 4.' }, withKey('flaky'))
    expect(fake.statuses.filter((status) => status.idempotencyKey === 'flaky')).toHaveLength(1)
  })

  it('deletes only the owner’s status, answers it with its source text, then 404s it', async () => {
    const status = await masto.v1.statuses.create({ status: 'Posted in error.' })
    const bob = createRestAPIClient({ url: fake.url, accessToken: BOB })

    expect(await rejection(bob.v1.statuses.$select(status.id).remove())).toMatchObject({ statusCode: 404, message: 'Record not found' })
    expect(await masto.v1.statuses.$select(status.id).remove()).toMatchObject({ id: status.id, text: 'Posted in error.' })
    expect(fake.statuses.find((candidate) => candidate.id === status.id)?.deleted).toBe(true)
    expect(await rejection(masto.v1.statuses.$select(status.id).fetch())).toMatchObject({ statusCode: 404, message: 'Record not found' })
    expect(await rejection(masto.v1.statuses.$select(status.id).remove())).toMatchObject({ statusCode: 404 })
  })

  it('throttles per token with X-RateLimit headers, then 429', async () => {
    const limited = await startFakeMastodon({ tokens: { [ALICE]: 'alice' }, rateLimit: { limit: 2, windowMs: 60 * 60 * 1000 } })
    try {
      const client = createRestAPIClient({ url: limited.url, accessToken: ALICE })
      const { headers } = await client.v1.statuses.create.$raw({ status: 'One.' })
      expect(headers.get('x-ratelimit-limit')).toBe('2')
      expect(headers.get('x-ratelimit-remaining')).toBe('1')
      expect(Date.parse(headers.get('x-ratelimit-reset') ?? '')).toBeGreaterThan(Date.now())

      await client.v1.accounts.verifyCredentials() // every request counts, not only posts
      const error = await rejection(client.v1.statuses.create({ status: 'Three.' }))
      expect(error).toMatchObject({ statusCode: 429, message: 'Too many requests' })
      const response = (error as MastoHttpError).cause as Response
      expect(response.headers.get('x-ratelimit-remaining')).toBe('0')
      expect(response.headers.get('retry-after')).toBeNull() // Mastodon sends none: the reset header says when
      expect(limited.statuses).toHaveLength(1)
    } finally {
      await limited.close()
    }
  })

  it('holds answers on demand: a client that gave up and retries with the same key posts once', async () => {
    const held = (key: string) => vi.waitFor(() => expect(fake.statuses.some((status) => status.idempotencyKey === key)).toBe(true))
    fake.holdResponses(true)

    let answered = false
    const patient = masto.v1.statuses.create({ status: 'Shelter open.' }, withKey('shelter')).finally(() => (answered = true))
    await held('shelter')

    const abort = new AbortController()
    const impatient = masto.v1.statuses.create({ status: 'Road closed.' }, withKey('road', abort.signal))
    await held('road')
    abort.abort()
    expect(await rejection(impatient)).toMatchObject({ name: 'AbortError' })
    expect(answered).toBe(false)

    fake.holdResponses(false)
    expect((await patient).id).toBe(fake.statuses.find((status) => status.idempotencyKey === 'shelter')?.id)
    const retry = await masto.v1.statuses.create({ status: 'Road closed.' }, withKey('road'))
    expect(fake.statuses.filter((status) => status.idempotencyKey === 'road').map((status) => status.id)).toEqual([retry.id])
  })

  it('takes form-encoded bodies as curl sends them, and answers an unknown path with the HTML 404 page', async () => {
    const form = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOB}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'From a form.', visibility: 'private' }),
    })
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({ content: '<p>From a form.</p>', visibility: 'private', account: { username: 'bob' } })

    const unknown = await fetch(`${fake.url}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${BOB}` } })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/)
  })
})
