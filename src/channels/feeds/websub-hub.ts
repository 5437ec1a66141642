import { httpDeliveryError, networkDeliveryError } from '@/delivery/http-failure'

/**
 * A WebSub hub (W3C WebSub, section 7): after a feed changes we tell the hub its URL with the
 * de-facto publish request every public hub accepts (a form POST of hub.mode=publish and hub.url);
 * the hub then fetches the feed and pushes it to its subscribers. No client library exists for this
 * one request, so it is plain fetch.
 */
export class WebSubHub {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async publish(topicUrl: string): Promise<string> {
    let response: Response
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topicUrl }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      throw networkDeliveryError('the WebSub hub', error)
    }
    const text = await response.text().catch(() => '')
    if (!response.ok) throw httpDeliveryError('The WebSub hub', response.status, text, response.headers.get('retry-after'))
    return `hub answered ${response.status} for ${topicUrl}`
  }
}
