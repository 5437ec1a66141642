import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { lexicons, type AppBskyFeedPost } from '@atproto/api'
import { readBody } from '../../dev/request-body'

/** An account on the PDS; `password` is what a bot logs in with (an app password, xxxx-xxxx-xxxx-xxxx). */
export type FakeBlueskyAccount = { handle: string; did: string; password: string; email?: string }

export type FakeBlueskyOptions = {
  accounts: FakeBlueskyAccount[]
  /** Write points per account and hour: Bluesky allows 5,000 (a create costs 3, a delete 1). */
  writePointsPerHour?: number
  /** Write points per account and day: Bluesky allows 35,000. */
  writePointsPerDay?: number
}

export type FakeBlueskyRecord = { uri: string; rkey: string; cid: string; did: string; record: Record<string, unknown>; deleted: boolean }

export type FakeBluesky = {
  /** The service URL, without a trailing slash. */
  url: string
  /** Every post created, in order; a deleted one stays with `deleted: true`. */
  records: FakeBlueskyRecord[]
  /** Every request answered: the XRPC method (or the path, outside /xrpc/) and the status. */
  requests: { method: string; nsid: string; status: number }[]
  /** Successful logins (createSession), so a test can tell a reused session from a new login each time. */
  readonly sessionsCreated: number
  /** The next `count` createRecord/deleteRecord calls answer `status` (503, 429…) without acting. */
  failNext: (count: number, status: number, body?: object, headers?: Record<string, string>) => void
  /** Every access token issued so far answers ExpiredToken from now on, as after the PDS's two hours. */
  expireSessions: () => void
  close: () => Promise<void>
}

/** The reference PDS's JSON body limit. */
const MAX_BODY = 150 * 1024
const POST = 'app.bsky.feed.post'
const ACCESS_SECONDS = 2 * 60 * 60
const REFRESH_SECONDS = 90 * 24 * 60 * 60
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/
/** The atproto datetime the PDS checks createdAt against, on top of the lexicon's looser check. */
const DATETIME = /^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\d(\.\d{1,20})?(Z|[+-][0-2]\d:[0-5]\d)$/

/** An XRPC error as the PDS answers it: `{ error, message }` with the status. */
class XrpcError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}
const invalidRequest = (message: string, error = 'InvalidRequest') => new XrpcError(400, error, message)
const invalidPost = (reason: string) => invalidRequest(`Invalid ${POST} record: ${reason}`)

const jsonPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A CIDv1 (dag-cbor, sha2-256) as base32 "bafyrei…", which @atproto/api checks responses for; hashed over JSON, not DAG-CBOR. */
function cidFor(value: unknown): string {
  const bytes = Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), createHash('sha256').update(JSON.stringify(value)).digest()])
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let cid = 'b'
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    for (; bits >= 5; bits -= 5) cid += alphabet[(buffer >>> (bits - 5)) & 31]
  }
  return bits > 0 ? cid + alphabet[(buffer << (5 - bits)) & 31] : cid
}

/**
 * A Bluesky PDS as @atproto/api's AtpAgent talks to it, with the reference PDS's paths, checks, status codes and error
 * bodies: app-password login, refresh and session (opaque HS256 JWTs), createRecord/deleteRecord/getRecord for
 * app.bsky.feed.post validated with the client's own copy of the lexicons (so messages read as the PDS's), the write
 * points rate limit with its RateLimit-* headers, 501 MethodNotImplemented for other methods. Two deliberate departures,
 * both stricter: a post's facets must lie within its text's UTF-8 bytes and reply refs must name a post stored here (the
 * PDS stores either, and the app shows them broken), and a given rkey must be a TID as the lexicon's `key: tid` says (the
 * PDS only checks record-key syntax).
 */
export async function startFakeBluesky(options: FakeBlueskyOptions): Promise<FakeBluesky> {
  const records: FakeBlueskyRecord[] = []
  const requests: FakeBluesky['requests'] = []
  let sessionsCreated = 0
  let failures: { count: number; status: number; body?: object; headers: Record<string, string> } = { count: 0, status: 0, headers: {} }
  const accessTokens = new Map<string, { did: string; exp: number; expired: boolean }>()
  const refreshTokens = new Map<string, { did: string; revoked: boolean }>()
  const windows = [
    { seconds: 60 * 60, points: options.writePointsPerHour ?? 5_000 },
    { seconds: 24 * 60 * 60, points: options.writePointsPerDay ?? 35_000 },
  ]
  const writePoints = new Map<string, { start: number; used: number }[]>()
  const jwtKey = randomBytes(32)
  const clockId = randomInt(1024)
  let lastMicros = 0
  let url = ''
  let serviceDid = ''

  /** A TID: microseconds since the epoch and a clock id, in sortable base32; also the PDS's commit revs. */
  const nextTid = () => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
    let value = (BigInt(lastMicros) << 10n) | BigInt(clockId)
    let tid = ''
    for (let index = 0; index < 13; index++, value >>= 5n) tid = '234567abcdefghijklmnopqrstuvwxyz'[Number(value & 31n)] + tid
    return tid
  }

  const jwt = (typ: string, payload: object) => {
    const unsigned = `${jsonPart({ typ, alg: 'HS256' })}.${jsonPart(payload)}`
    return `${unsigned}.${createHmac('sha256', jwtKey).update(unsigned).digest('base64url')}`
  }

  /** What createSession, refreshSession and getSession say of the account; the DID document names this server as its PDS, and the agent sends everything after login there. */
  const sessionInfo = (account: FakeBlueskyAccount) => ({
    did: account.did,
    handle: account.handle,
    didDoc: {
      '@context': ['https://www.w3.org/ns/did/v1'],
      id: account.did,
      alsoKnownAs: [`at://${account.handle}`],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: url }],
    },
    ...(account.email ? { email: account.email, emailConfirmed: true } : { emailConfirmed: false }),
    active: true,
  })

  /** A new token pair; the access token carries a jti so that two issued in the same second still differ (the agent only retries with a changed token). */
  const issueSession = (account: FakeBlueskyAccount) => {
    const iat = Math.floor(Date.now() / 1000)
    const accessJwt = jwt('at+jwt', { scope: 'com.atproto.appPass', sub: account.did, aud: serviceDid, jti: randomBytes(16).toString('base64url'), iat, exp: iat + ACCESS_SECONDS })
    const refreshJwt = jwt('refresh+jwt', { scope: 'com.atproto.refresh', sub: account.did, aud: serviceDid, jti: randomBytes(32).toString('base64'), iat, exp: iat + REFRESH_SECONDS })
    accessTokens.set(accessJwt, { did: account.did, exp: iat + ACCESS_SECONDS, expired: false })
    refreshTokens.set(refreshJwt, { did: account.did, revoked: false })
    return { accessJwt, refreshJwt, ...sessionInfo(account) }
  }

  const accountFor = (did: string) => options.accounts.find((account) => account.did === did)!
  const findRepo = (repo: string) => options.accounts.find((account) => account.did === repo || account.handle === repo.toLowerCase())

  /** The PDS's verifier: no token 401 AuthMissing; a bad or wrong-scope token 400 InvalidToken; an expired one 400 ExpiredToken (the only 400 the agent refreshes on). */
  const authenticate = (authorization: string | undefined, scope: 'access' | 'refresh') => {
    if (!authorization) throw new XrpcError(401, 'AuthMissing', 'Authentication Required')
    const [type, token = ''] = authorization.split(' ')
    if (type !== 'Bearer') throw invalidRequest('Unexpected authorization type', 'InvalidToken')
    const access = accessTokens.get(token)
    const refresh = refreshTokens.get(token)
    if ((scope === 'access' && refresh) || (scope === 'refresh' && access)) throw invalidRequest('Bad token scope', 'InvalidToken')
    const session = access ?? refresh
    if (!session) throw invalidRequest('Token could not be verified', 'InvalidToken')
    if (refresh?.revoked) throw invalidRequest('Token has been revoked', 'ExpiredToken')
    if (access && (access.expired || access.exp * 1000 <= Date.now())) throw invalidRequest('Token has expired', 'ExpiredToken')
    return { account: accountFor(session.did), token }
  }

  /** The repo named in a write must be the caller's own, by DID or handle. */
  const ownRepo = (repo: string, account: FakeBlueskyAccount) => {
    const found = findRepo(repo)
    if (!found) throw invalidRequest(`Could not find repo: ${repo}`)
    if (found.did !== account.did) throw new XrpcError(401, 'AuthenticationRequired', 'Authentication Required')
    return found.did
  }

  /** Both windows (hour and day) are charged, fixed from their first write as rate-limiter-flexible does; the headers show the tighter one. */
  const chargeWritePoints = (did: string, points: number, headers: Record<string, string>) => {
    const now = Date.now()
    const usage = writePoints.get(did) ?? windows.map(() => ({ start: now, used: 0 }))
    writePoints.set(did, usage)
    const states = windows.map((window, index) => {
      const used = usage[index]!
      if (now >= used.start + window.seconds * 1000) Object.assign(used, { start: now, used: 0 })
      used.used += points
      return { ...window, remaining: Math.max(0, window.points - used.used), reset: used.start + window.seconds * 1000, exceeded: used.used > window.points }
    })
    const tightest = states.find((state) => state.exceeded) ?? states.reduce((a, b) => (b.remaining < a.remaining ? b : a))
    Object.assign(headers, {
      'ratelimit-limit': String(tightest.points),
      'ratelimit-remaining': String(tightest.remaining),
      'ratelimit-reset': String(Math.floor(tightest.reset / 1000)),
      'ratelimit-policy': `${tightest.points};w=${tightest.seconds}`,
    })
    if (tightest.exceeded) throw new XrpcError(429, 'RateLimitExceeded', 'Rate Limit Exceeded')
  }

  const assertValidPost = (record: Record<string, unknown>) => {
    try {
      lexicons.assertValidRecord(POST, record)
    } catch (error) {
      throw invalidPost((error as Error).message)
    }
    const post = record as unknown as AppBskyFeedPost.Record
    if (!DATETIME.test(post.createdAt) || Number.isNaN(Date.parse(post.createdAt))) throw invalidPost('createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)')
    const text = Buffer.from(post.text)
    const boundary = (at: number) => at <= text.length && (at === text.length || (text[at]! & 0xc0) !== 0x80)
    for (const [index, { index: range }] of (post.facets ?? []).entries()) {
      if (range.byteStart >= range.byteEnd || !boundary(range.byteStart) || !boundary(range.byteEnd)) {
        throw invalidPost(`Record/facets/${index}/index must be a non-empty range of whole characters within the text's ${text.length} UTF-8 bytes`)
      }
    }
    for (const key of ['root', 'parent'] as const) {
      const ref = post.reply?.[key]
      if (ref && !records.some((stored) => stored.uri === ref.uri && stored.cid === ref.cid && !stored.deleted)) throw invalidPost(`Record/reply/${key} must be the uri and cid of an existing post`)
    }
  }

  /** `account` and `token` are the caller's, for the methods with `auth`. */
  type Call = { account: FakeBlueskyAccount; token: string; input: Record<string, unknown>; params: Record<string, string> }
  type Input<T> = Call & { input: T }
  type CreateInput = { repo: string; collection: string; rkey?: string; validate?: boolean; record: Record<string, unknown> }
  type DeleteInput = { repo: string; collection: string; rkey: string }
  type Method = { verb: 'GET' | 'POST'; auth?: 'access' | 'refresh'; writePoints?: number; run(call: Call): object }
  const methods: Record<string, Method> = {
    'com.atproto.server.createSession': {
      verb: 'POST',
      run: ({ input }: Input<{ identifier: string; password: string }>) => {
        const identifier = input.identifier.toLowerCase()
        const account = options.accounts.find(
          (candidate) => [candidate.handle.toLowerCase(), candidate.did, candidate.email?.toLowerCase()].includes(identifier) && candidate.password === input.password,
        )
        if (!account) throw new XrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password')
        sessionsCreated++
        return issueSession(account)
      },
    },
    /** Rotates the refresh token: the old one is revoked (the PDS keeps it for a short grace period, which the agent never needs). */
    'com.atproto.server.refreshSession': {
      verb: 'POST',
      auth: 'refresh',
      run: ({ account, token }) => {
        refreshTokens.get(token)!.revoked = true
        return issueSession(account)
      },
    },
    'com.atproto.server.getSession': { verb: 'GET', auth: 'access', run: ({ account }) => sessionInfo(account) },
    'com.atproto.repo.createRecord': {
      verb: 'POST',
      auth: 'access',
      writePoints: 3,
      run: ({ account, input }: Input<CreateInput>) => {
        const did = ownRepo(input.repo, account)
        if (input.collection !== POST) throw invalidRequest(`This fake PDS stores only ${POST} records, not ${input.collection}`)
        const record = { ...input.record, $type: input.record.$type ?? POST }
        const validate = input.validate !== false
        if (validate && record.$type !== POST) throw invalidRequest(`Invalid $type: expected ${POST}, got ${String(record.$type)}`)
        if (validate) assertValidPost(record)
        if (input.rkey !== undefined && !TID.test(input.rkey)) throw invalidRequest('Input/rkey must be a valid TID')
        const rkey = input.rkey ?? nextTid()
        const uri = `at://${did}/${POST}/${rkey}`
        // The PDS has no check of its own: its repository tree throws "There is already a value at key", which reaches the client as a bare 500.
        if (records.some((stored) => stored.uri === uri && !stored.deleted)) throw new XrpcError(500, 'InternalServerError', 'Internal Server Error')
        const cid = cidFor(record)
        records.push({ uri, rkey, cid, did, record, deleted: false })
        const rev = nextTid()
        return { uri, cid, commit: { cid: cidFor({ rev, uri }), rev }, ...(validate && { validationStatus: 'valid' }) }
      },
    },
    /** Deleting a record that is not there is a no-op, answered 200 without a commit, as the PDS does. */
    'com.atproto.repo.deleteRecord': {
      verb: 'POST',
      auth: 'access',
      writePoints: 1,
      run: ({ account, input }: Input<DeleteInput>) => {
        const did = ownRepo(input.repo, account)
        const stored = records.find((candidate) => candidate.uri === `at://${did}/${input.collection}/${input.rkey}` && !candidate.deleted)
        if (!stored) return {}
        stored.deleted = true
        const rev = nextTid()
        return { commit: { cid: cidFor({ rev, deleted: stored.uri }), rev } }
      },
    },
    /** Needs no auth; the URI answered names the repo by DID even when asked by handle. */
    'com.atproto.repo.getRecord': {
      verb: 'GET',
      run: ({ params }) => {
        const did = findRepo(params.repo!)?.did ?? params.repo
        const uri = `at://${did}/${params.collection}/${params.rkey}`
        const stored = records.find((candidate) => candidate.uri === uri && !candidate.deleted && (!params.cid || candidate.cid === params.cid))
        if (!stored) throw invalidRequest(`Could not locate record: ${uri}`, 'RecordNotFound')
        return { uri, cid: stored.cid, value: stored.record }
      },
    },
  }

  /** In xrpc-server's order: method, auth, body, params and input against the lexicon, write points, handler. */
  const server = http.createServer((request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://fake')
    const nsid = pathname.startsWith('/xrpc/') ? pathname.slice('/xrpc/'.length) : pathname
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
    const answer = (status: number, body: object) => {
      requests.push({ method: request.method ?? '', nsid, status })
      response.writeHead(status, headers).end(JSON.stringify(body))
    }
    void readBody(request, MAX_BODY).then((raw) => {
      try {
        if (!pathname.startsWith('/xrpc/')) return answer(404, { error: 'NotFound', message: 'Not Found' })
        const method = methods[nsid]
        if (!method) throw new XrpcError(501, 'MethodNotImplemented', 'Method Not Implemented')
        if (request.method !== method.verb) throw invalidRequest(`Incorrect HTTP method (${request.method}) expected ${method.verb}`)
        if (method.writePoints && failures.count > 0) {
          failures.count--
          const reason = http.STATUS_CODES[failures.status] ?? 'Error'
          Object.assign(headers, failures.headers)
          return answer(failures.status, failures.body ?? { error: reason.replace(/\W/g, ''), message: reason })
        }
        const { account, token } = method.auth ? authenticate(request.headers.authorization, method.auth) : { account: undefined, token: '' }
        if (!raw) throw new XrpcError(413, 'PayloadTooLarge', 'request entity too large')
        const contentType = request.headers['content-type'] ?? ''
        if (raw.length > 0 && !contentType.startsWith('application/json')) throw invalidRequest(`Wrong request encoding (Content-Type): ${contentType}`)
        let input: unknown
        try {
          input = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
        } catch {
          throw invalidRequest('Request body is not valid JSON')
        }
        const params = Object.fromEntries(searchParams)
        try {
          lexicons.assertValidXrpcParams(nsid, params)
          if (method.verb === 'POST') lexicons.assertValidXrpcInput(nsid, input)
        } catch (error) {
          throw invalidRequest((error as Error).message)
        }
        if (method.writePoints) chargeWritePoints(account!.did, method.writePoints, headers)
        answer(200, method.run({ account: account!, token, input: input as Record<string, unknown>, params }))
      } catch (error) {
        const failure = error instanceof XrpcError ? error : new XrpcError(500, 'InternalServerError', `The fake PDS failed: ${String(error)}`)
        answer(failure.status, { error: failure.error, message: failure.message })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}`
  serviceDid = `did:web:127.0.0.1%3A${port}`
  return {
    url,
    records,
    requests,
    get sessionsCreated() {
      return sessionsCreated
    },
    failNext: (count, status, body, headers = {}) => {
      failures = { count, status, body, headers }
    },
    expireSessions: () => {
      for (const session of accessTokens.values()) session.expired = true
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
