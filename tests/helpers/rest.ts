type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** The route handlers, loaded on first use: the config must be imported after startTestPayload set the environment. */
async function routes() {
  const [{ default: config }, next] = await Promise.all([import('@payload-config'), import('@payloadcms/next/routes')])
  return {
    GET: next.REST_GET(config),
    POST: next.REST_POST(config),
    PATCH: next.REST_PATCH(config),
    DELETE: next.REST_DELETE(config),
    GRAPHQL: next.GRAPHQL_POST(config),
  }
}

async function read(response: Response) {
  const text = await response.text()
  const isJson = (response.headers.get('content-type') ?? '').includes('json')
  return { status: response.status, headers: response.headers, text, json: text && isJson ? (JSON.parse(text) as Record<string, unknown>) : undefined }
}

/**
 * Calls the app's own /api route handlers (the ones Next.js mounts under src/app/(payload)/api) with a
 * real Request, as a browser or an aggregator would, without starting an HTTP server.
 */
export async function rest(method: Method, pathAndQuery: string, init: { json?: unknown; body?: string | FormData; headers?: Record<string, string> } = {}) {
  const url = new URL(pathAndQuery, 'http://localhost:3000')
  const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
  const request = new Request(url, {
    method,
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  })
  return read(await (await routes())[method](request, { params: Promise.resolve({ slug }) }))
}

/** POST /api/graphql. */
export async function graphql(query: string, headers: Record<string, string> = {}) {
  const request = new Request('http://localhost:3000/api/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  })
  return read(await (await routes()).GRAPHQL(request))
}
