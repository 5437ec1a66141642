import { withPayload } from '@payloadcms/next/withPayload'
import type { NextConfig } from 'next'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(fileURLToPath(import.meta.url))

const nextConfig: NextConfig = {
  // The server's own stack traces stay in its logs; the public never sees them.
  productionBrowserSourceMaps: false,
  poweredByHeader: false,
  // Server code keeps its names: Payload picks an error's log level by its class name (loggingLevels in
  // payload.config.ts), which minification renamed ("c: You are not allowed…" logged at error, with a
  // stack), and a server fault's stack then names real functions. Nothing of it goes to a browser.
  experimental: { serverMinification: false },
  // bull-board finds its UI's files on disk at run time (require.resolve): load it from node_modules.
  serverExternalPackages: ['@bull-board/api', '@bull-board/hono', '@bull-board/ui', '@hono/node-server', 'prom-client'],
  webpack: (webpackConfig) => {
    webpackConfig.resolve.extensionAlias = {
      '.cjs': ['.cts', '.cjs'],
      '.js': ['.ts', '.tsx', '.js', '.jsx'],
      '.mjs': ['.mts', '.mjs'],
    }
    return webpackConfig
  },
  turbopack: { root },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
