import { describe, expect, it } from 'vitest'

import { plainHttpWarning } from '../../src/lib/plain-http-warning'

describe('a production start on plain http', () => {
  it('says what breaks and how to fix it, in one line', () => {
    const warning = plainHttpWarning({ NODE_ENV: 'production', PUBLIC_URL: 'http://news.example.org' })!
    expect(warning.split('\n')).toHaveLength(1)
    expect(warning).toMatch(/^PUBLIC_URL \(http:\/\/news\.example\.org\) is not https: /)
    expect(warning).toContain('one-click unsubscribe (List-Unsubscribe) is invalid, since RFC 8058 requires an https link')
    expect(warning).toContain('staff cannot sign in, since the session cookie is Secure')
    expect(warning).toMatch(/set PUBLIC_URL to its https:\/\/ address\.$/)
  })

  it('leaves out sign-in on this machine, where the session cookie is not Secure', () => {
    const warning = plainHttpWarning({ NODE_ENV: 'production', PUBLIC_URL: 'http://localhost:8080' })!
    expect(warning).toContain('List-Unsubscribe')
    expect(warning).not.toContain('sign in')
  })

  it('says nothing on https, or outside production', () => {
    expect(plainHttpWarning({ NODE_ENV: 'production', PUBLIC_URL: 'https://news.example.org' })).toBeUndefined()
    expect(plainHttpWarning({ NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:3000' })).toBeUndefined()
  })
})
