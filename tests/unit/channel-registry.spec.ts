import { describe, expect, it } from 'vitest'

import { configuredChannels } from '../../src/channels'
import { parseEnv } from '../../src/lib/env'

const env = (vars: Record<string, string>) => parseEnv({ PAYLOAD_SECRET: 'a-secret-that-is-long-enough-0123456789', ...vars })
const names = (vars: Record<string, string>) => configuredChannels(env(vars)).map((channel) => channel.name)

describe('the channel registry', () => {
  it('runs every channel the installation is configured for', () => {
    expect(names({})).toEqual(['log', 'feeds', 'social'])
    expect(names({ SENDGRID_API_KEY: 'SG.key' })).toEqual(['log', 'feeds', 'email', 'social'])
  })

  it('runs only the channels DELIVERY_CHANNELS names', () => {
    expect(names({ DELIVERY_CHANNELS: 'feeds' })).toEqual(['feeds'])
    expect(names({ DELIVERY_CHANNELS: ' email , log', SENDGRID_API_KEY: 'SG.key' })).toEqual(['log', 'email'])
  })

  it('refuses a channel it does not have, or email without a SendGrid key, naming the problem', () => {
    expect(() => names({ DELIVERY_CHANNELS: 'feeds,fax' })).toThrow('DELIVERY_CHANNELS names unknown channels: fax (there are: log, feeds, social)')
    expect(() => names({ DELIVERY_CHANNELS: 'email' })).toThrow('DELIVERY_CHANNELS names email, but SENDGRID_API_KEY is not set')
  })
})
