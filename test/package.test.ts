import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { SUPPORTED_VERSIONS } from '../src/shared/supportedVersions.ts'
import { tempDir } from './helpers/tempDir.ts'

// The published tarball, installed into an empty project: every subpath imports (the admin
// components with the peers a Payload app has: next, react), and its types
// reach the consumer (a wrong assignment is refused, so they are not `any`).

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')

const consumer = `
import { DatabaseSync } from 'node:sqlite'
import { betterAuthPayloadPlugin, payloadBetterAuthPlugin, StorageUnavailableError } from 'payload-better-auth'
import { createMemoryEventBus, type EventBus } from 'payload-better-auth/eventBus'
import { createSqliteStorage, type SecondaryStorage } from 'payload-better-auth/storage'
import { BetterAuthLoginForm, type BetterAuthLoginFormProps } from 'payload-better-auth/client'
import { BetterAuthLoginView } from 'payload-better-auth/rsc'
import { betterAuthCollections, payloadAdapter, type PayloadAdapterOptions } from 'payload-better-auth/adapter'

const storage: SecondaryStorage = createSqliteStorage({ db: new DatabaseSync(':memory:') })
const bus: EventBus = createMemoryEventBus()
// @ts-expect-error: a SecondaryStorage needs string-returning methods
const wrong: SecondaryStorage = { get: 1 }
// @ts-expect-error: the login form's props are typed
const props: BetterAuthLoginFormProps = { baseURL: 1 }
// @ts-expect-error: the adapter needs a Payload
const adapterOptions: PayloadAdapterOptions = { payload: 1 }
export { storage, bus, wrong, props, adapterOptions, betterAuthCollections, payloadAdapter, BetterAuthLoginForm, BetterAuthLoginView, StorageUnavailableError, betterAuthPayloadPlugin, payloadBetterAuthPlugin }
`

const CSS_AS_EMPTY_MODULE = `
import { registerHooks } from 'node:module'
registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith('.css') || url.endsWith('.scss')) {
      return { format: 'module', source: '', shortCircuit: true }
    }
    return nextLoad(url, context)
  },
})
`

describe('npm pack', () => {
  it('installs into an empty project whose imports resolve, with types', () => {
    const project = tempDir('pack')
    execFileSync('npm', ['pack', '--pack-destination', project], { cwd: root, stdio: 'pipe' })
    const tarball = readdirSync(project).find((file) => file.endsWith('.tgz')) as string
    mkdirSync(join(project, 'node_modules'))
    execFileSync('tar', ['-xzf', tarball, '-C', 'node_modules'], { cwd: project })
    renameSync(
      join(project, 'node_modules/package'),
      join(project, 'node_modules/payload-better-auth'),
    )
    // What npm would install next to it: its dependencies and the peers an app brings.
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    const peers = [
      'payload',
      'better-auth',
      'next',
      'react',
      'react-dom',
      '@payloadcms/ui',
      '@payloadcms/next',
      '@types/react',
    ]
    for (const name of [...Object.keys(manifest.dependencies), ...peers]) {
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true })
      symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name))
    }
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }')
    writeFileSync(join(project, 'consumer.ts'), consumer)

    const imported = execFileSync(
      process.execPath,
      [
        // The admin components import @payloadcms/ui, whose modules import stylesheets: a Payload
        // app's bundler takes those; plain Node is given empty ones.
        '--import',
        `data:text/javascript,${encodeURIComponent(CSS_AS_EMPTY_MODULE)}`,
        '--input-type=module',
        '-e',
        `const names = []
         for (const path of ['payload-better-auth', 'payload-better-auth/storage', 'payload-better-auth/eventBus', 'payload-better-auth/client', 'payload-better-auth/rsc', 'payload-better-auth/adapter'])
           names.push(...Object.keys(await import(path)))
         console.log(JSON.stringify(names))`,
      ],
      { cwd: project, encoding: 'utf8' },
    )
    expect(JSON.parse(imported)).toEqual(
      expect.arrayContaining([
        'StorageUnavailableError',
        'betterAuthPayloadPlugin',
        'payloadBetterAuthPlugin',
        'createMemoryStorage',
        'createSqliteStorage',
        'createRedisStorage',
        'createMemoryEventBus',
        'payloadAdapter',
        'betterAuthCollections',
        'createSqlitePollingEventBus',
        'createRedisEventBus',
        'BetterAuthLoginForm',
        'BetterAuthLoginView',
        'payloadPasswords',
        'migratePayloadUsers',
      ]),
    )

    // The bin, as `npx payload-better-auth` runs it: the built CLI, through tsx from the tarball.
    const bin = join(project, 'node_modules/payload-better-auth/bin/payload-better-auth.js')
    for (const args of [['--help'], ['migrate', '--help'], ['doctor', '--help']]) {
      const help = execFileSync(process.execPath, [bin, ...args], {
        cwd: project,
        encoding: 'utf8',
      })
      expect(help).toContain(
        `Usage: payload-better-auth ${args.length > 1 ? args[0] : '<command>'}`,
      )
    }

    for (const { module, resolution } of [
      { module: 'nodenext', resolution: 'nodenext' },
      { module: 'esnext', resolution: 'bundler' },
    ]) {
      // skipLibCheck as in every Next.js app: Payload's own .d.ts files need React's types.
      const args = [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--target',
        'es2022',
        '--module',
        module,
      ]
      args.push('--moduleResolution', resolution, '--typeRoots', join(root, 'node_modules/@types'))
      args.push('--types', 'node', 'consumer.ts')
      const result = (() => {
        try {
          return execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' })
        } catch (error) {
          return String((error as { stdout?: string }).stdout ?? error)
        }
      })()
      expect(result, `${resolution} resolution`).toBe('')
    }
  }, 120_000)
})

describe('peerDependencies', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

  it('are the tested ranges, the ones start-up checks (src/shared/supportedVersions.ts)', () => {
    expect(manifest.peerDependencies).toMatchObject({
      'better-auth': SUPPORTED_VERSIONS['better-auth'],
      payload: SUPPORTED_VERSIONS.payload,
      '@payloadcms/next': SUPPORTED_VERSIONS.payload,
      '@payloadcms/ui': SUPPORTED_VERSIONS.payload,
      next: SUPPORTED_VERSIONS.next,
    })
  })

  it('start at the versions .ci/compat installs (the low end) and hold the ones npm test runs on', () => {
    for (const [peer, range] of Object.entries(SUPPORTED_VERSIONS)) {
      // `.ci/compat low` installs the lower bound of each range, so it must be written `>=X.Y.Z <...`.
      expect(range, peer).toMatch(/^>=\d+\.\d+\.\d+ <\d+\.\d+\.\d+$/)
      // The high end: the exact versions package.json pins for `npm test`.
      const pinned = manifest.devDependencies[peer]
      expect(semver.satisfies(pinned, range), `${peer} ${pinned} in ${range}`).toBe(true)
    }
    for (const name of [
      '@payloadcms/next',
      '@payloadcms/ui',
      '@payloadcms/db-sqlite',
      '@payloadcms/db-postgres',
    ]) {
      expect(manifest.devDependencies[name], name).toBe(manifest.devDependencies.payload)
    }
  })
})
