import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { withPayload } from '@payloadcms/next/withPayload'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The browser tests build into their own folder, so a running `npm run dev` is left alone.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // The demo imports the library from ../src, so the bundler's root is the repository.
  turbopack: { root },
  outputFileTracingRoot: root,
  // One copy of Better Auth's modules (its request context lives in module state), loaded by Node.
  serverExternalPackages: [
    'ioredis',
    'redis',
    'better-auth',
    '@better-auth/core',
    '@better-auth/passkey',
  ],
  // `npm run typecheck` checks dev/ with the rest of the project; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
