/**
 * fast-check generators of what an attacker, a broken client or a confused person sends to a public
 * endpoint, and the checks every answer to them must pass.
 */
import fc from 'fast-check'

/** Strings that mean something to a database, a template, a mail header or a path. */
const INJECTIONS = [
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE subscribers; --",
  '1; SELECT pg_sleep(5)',
  '{"$gt":""}',
  '{"$ne":null}',
  '$where',
  'where[email][exists]=true',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${7*7}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00',
  '%0d%0aBcc:%20victim@example.net',
  '\r\nBcc: victim@example.net',
  '\nSubject: you won',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(40),
]

/** Unicode that trips up code assuming one byte, one character or one direction. */
const ODDITIES = ['\u0000', '\u202e', '\u200b', '\ufeff', '\ud800', '\udfff', 'A\u0301', '🏳️‍🌈', 'ｅｘａｍｐｌｅ', 'İ', 'ß', '\u2028', '\uffff', '\u{10ffff}']

/** Any short text, from injections to lone surrogates. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS, ...ODDITIES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...INJECTIONS, ...ODDITIES), fc.string({ maxLength: 8 })), { minLength: 2, maxLength: 5 }).map((parts) => parts.join('')),
)

/** A long text (up to 6,000 characters): too long for any field, short enough to stay under the form limits. */
export const longText: fc.Arbitrary<string> = fc.tuple(hostileText, fc.integer({ min: 300, max: 6_000 })).map(([seed, length]) => (seed || 'x').repeat(Math.ceil(length / (seed.length || 1))).slice(0, length))

const word = fc.stringMatching(/^[a-z0-9]{1,12}$/)

/** The parts of a plainly valid address, with the case and spaces a person might type. */
export const validAddress = fc.record({ local: word, domain: word, shout: fc.boolean(), space: fc.constantFrom('', ' ', '\t', '  ') })

/** The address `parts` make, unique by `n`: as typed, and as it must be stored (trimmed, lower case). */
export function typedAddress(parts: { local: string; domain: string; shout: boolean; space: string }, n: number) {
  const stored = `${parts.local}-${n}@${parts.domain}.example.org`
  return { typed: `${parts.space}${parts.shout ? stored.toUpperCase() : stored}${parts.space}`, stored }
}

/**
 * What may never be stored as an address: a character RFC 5321 does not allow unquoted (space,
 * control, `"(),:;<>[\]`), any non-ASCII character, not exactly one `@` between a local part and a
 * domain, or longer than 254.
 */
export const clearlyInvalidAddress = (raw: string) => {
  const email = raw.trim()
  const [local, domain, ...more] = email.split('@')
  const forbidden = (char: string) => char <= ' ' || char >= '\u007f' || '"(),:;<>[]\\'.includes(char)
  return email.length > 254 || [...email].some(forbidden) || !local || !domain || more.length > 0
}

/** Breaks an address from the inside (trimming cannot remove it): each holds a character no address may have. */
const BREAKERS = ['\r\nBcc: victim@example.net', '\nBcc:victim@example.net', "' OR 1=1 --", '{"$gt":""}', '<script>', ' ', '\u0000', '\u202e', '＠', '@', ',victim@example.net', ';', '(comment)', '"quoted"', '\\', ':', '[]', 'é']

/** An address that must be refused: broken inside, no address at all, or padded past 254 characters. */
export const hostileAddress: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(word, word, fc.constantFrom(...BREAKERS), fc.nat()).map(([local, domain, breaker, at]) => {
    const address = `${local}@${domain}.example.org`
    const cut = 1 + (at % (address.length - 1)) // strictly inside, so trimming cannot take it off
    return address.slice(0, cut) + breaker + address.slice(cut)
  }),
  fc.constantFrom('', ' ', '@', 'no-at-sign', '@example.org', 'person@', 'a@@example.org', 'a@b@example.org', 'person@[127.0.0.1]', 'person@local\r\nhost'),
  // A valid address padded in its local part, a label or its top-level domain, to 255–1,000 characters.
  fc.tuple(word, word, fc.integer({ min: 255, max: 1_000 }), fc.constantFrom('local', 'label', 'tld')).map(([local, domain, length, where]) => {
    const pad = (filler: string, base: string) => filler.repeat(Math.max(1, length - base.length))
    if (where === 'local') return `${pad('a', `@${domain}.example.org${local}`)}${local}@${domain}.example.org`
    if (where === 'label') return `${local}@${domain}${pad('b', `${local}@${domain}.example.org`)}.example.org`
    return `${local}@${domain}.example.${pad('o', `${local}@${domain}.example.`)}`
  }),
  fc.tuple(hostileText, hostileText).map(([a, b]) => `${a}@${b}`).filter(clearlyInvalidAddress),
)

/** A JSON value an endpoint does not expect: operators, wrong types, nesting, pollution. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, { $gt: '' }, { $ne: null }, { equals: 'person@example.org' }, { exists: true }, ['a', 'b']),
  fc.jsonValue({ maxDepth: 3 }),
)

/**
 * Extra fields a sign-up must ignore: trying to confirm itself, set its consent or its id. `__proto__`
 * goes in as JSON text, since an object literal would set the prototype instead of a key.
 */
export const smuggledJson: fc.Arbitrary<string> = fc
  .tuple(
    fc.record(
      {
        status: fc.constantFrom('confirmed', 'bounced', 'unsubscribed'),
        confirmedAt: fc.constant('2020-01-01T00:00:00.000Z'),
        consent: fc.constant({ source: 'import', givenAt: '2020-01-01T00:00:00.000Z' }),
        id: fc.constantFrom(1, '1', 999999),
        constructor: fc.constant({ prototype: { status: 'confirmed' } }),
        $where: fc.constant('1 == 1'),
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  .map(([fields, proto]) => {
    const json = JSON.stringify(fields).slice(1, -1)
    return [proto ? '"__proto__":{"status":"confirmed","isAdmin":true}' : '', json].filter(Boolean).join(',')
  })

/** Bytes that are not valid UTF-8: lone continuation bytes, overlong forms, surrogates, 0xFF. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom([0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]))
  .map(([random, bad]) => Uint8Array.from([...random, ...bad, ...random]))

/** A body that is not what the endpoint parses: broken JSON, another format, or binary. */
export const garbageBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('{"email": ', '{email: "a@example.org"}', '{"email": "a@example.org",}', '[', ']', 'NaN', '{"a":'.repeat(500), '[[[[[[[[[[', '\u0000', '<?xml version="1.0"?><email>a@example.org</email>', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.org\r\n--x--'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  invalidUtf8,
  fc.json({ maxDepth: 4 }),
)

/** Content types a client might send instead of the right one, or alongside it, oddly written. */
export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/xml',
  'text/html',
  '*/*',
  'application/json, text/plain',
)

/** A header value that a real HTTP server would pass on (no CR, LF or NUL: those never arrive). */
export const headerValue: fc.Arbitrary<string> = hostileText.map((text) =>
  [...text]
    .filter((char) => !'\r\n\u0000'.includes(char))
    .map((char) => (char >= ' ' && char <= '\u00ff' ? char : '?'))
    .join(''),
)

/** Percent-encoded as a form encodes it; a lone surrogate becomes U+FFFD, as in a browser. */
export const formEncode = (text: string) => new URLSearchParams([['', text]]).toString().slice(1)

/** Percent-encoded for a URL path, where `+` is a plus sign. */
export const pathEncode = (text: string) => formEncode(text).replace(/\+/g, '%20')

/** A query string: hostile keys and values, repeated and bracketed, encoded or raw. */
export const hostileQuery = (keys: string[]): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), hostileText), hostileText, fc.boolean()), { maxLength: 6 })
    .map((pairs) => pairs.map(([key, value, raw]) => (raw ? `${key}=${value}`.replace(/[#\s]/g, formEncode) : `${formEncode(key)}=${formEncode(value)}`)).join('&'))
