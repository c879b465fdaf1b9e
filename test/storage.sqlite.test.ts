import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { createSqliteStorage } from 'payload-better-auth/storage'
import { afterEach, describe, expect, it } from 'vitest'
import { sleep } from './helpers/eventually.ts'
import { type Peer, startPeer } from './helpers/peer.ts'
import { tempDir } from './helpers/tempDir.ts'

const dir = tempDir('sqlite-storage')
let files = 0
const freshPath = () => join(dir, `kv-${files++}.db`)

describe('createSqliteStorage', () => {
  const peers: Peer[] = []
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()))
  })

  it('puts the database in WAL mode', () => {
    const db = new DatabaseSync(freshPath())
    createSqliteStorage({ db })
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    db.close()
  })

  it('keeps data across a process restart', async () => {
    const path = freshPath()
    const writer = await startPeer({ storage: { kind: 'sqlite', path } })
    await writer.request('set', { key: 'session', value: 'survives', ttl: 3600 })
    await writer.stop()

    const db = new DatabaseSync(path)
    expect(await createSqliteStorage({ db }).get('session')).toBe('survives')
    db.close()
  })

  it('deletes expired rows over time, not only hides them', async () => {
    const db = new DatabaseSync(freshPath())
    const storage = createSqliteStorage({ db, cleanupIntervalMs: 50 })
    for (let i = 0; i < 20; i++) await storage.set(`short-${i}`, 'v', 0.05)
    await storage.set('long', 'v', 3600)
    const rows = () =>
      (db.prepare('SELECT COUNT(*) AS n FROM better_auth_kv').get() as { n: number }).n
    expect(rows()).toBe(21)
    await sleep(120)
    await storage.set('trigger', 'v') // a write after the interval sweeps
    expect(rows()).toBe(2)
    expect(await storage.get('long')).toBe('v')
    db.close()
  })

  it('increment and getAndDelete stay atomic across two OS processes on one file', async () => {
    const path = freshPath()
    const db = new DatabaseSync(path)
    const storage = createSqliteStorage({ db })
    peers.push(
      await startPeer({ storage: { kind: 'sqlite', path } }),
      await startPeer({ storage: { kind: 'sqlite', path } }),
    )
    const counts = await Promise.all(
      peers.map((peer) =>
        peer.request<number[]>('incrementMany', { key: 'hits', ttl: 60, times: 100 }),
      ),
    )
    expect(counts.flat().sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    )
    expect(await storage.get('hits')).toBe('200')

    await storage.set('prize', 'one winner')
    const takes = await Promise.all(
      peers.map((peer) =>
        peer.request<Array<string | null>>('getAndDeleteMany', { key: 'prize', times: 25 }),
      ),
    )
    expect(takes.flat().filter((value) => value !== null)).toEqual(['one winner'])
    db.close()
  })

  it('refuses a table name that is not a plain identifier', () => {
    const db = new DatabaseSync(':memory:')
    expect(() => createSqliteStorage({ db, table: 'kv; DROP TABLE users' })).toThrow(
      /plain SQL identifier/,
    )
    db.close()
  })
})
