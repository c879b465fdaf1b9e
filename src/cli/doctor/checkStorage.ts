import type { BetterAuthOptions } from 'better-auth'
import { descriptionOf, isInProcess } from '../../shared/description.ts'
import { doctorKey } from '../../shared/keys.ts'
import { STORAGE_FIX } from '../../shared/startupProbe.ts'
import { lowerFirst, type Report, within } from './lines.ts'
import type { DoctorAuth, SideView } from './sides.ts'

/** What a round trip needs of a storage: ours, or Better Auth's `secondaryStorage` (maybe sync). */
type KeyValueStorage = Pick<
  NonNullable<BetterAuthOptions['secondaryStorage']>,
  'get' | 'set' | 'delete'
>

const describe = (storage: unknown) => descriptionOf(storage, 'a custom storage')

/** Sets `key` in `writer`, reads it from `reader`, deletes it, each within `timeoutMs`: the read. */
async function readBack(
  writer: KeyValueStorage,
  reader: KeyValueStorage,
  key: string,
  value: string,
  timeoutMs: number,
): Promise<unknown> {
  await within(Promise.resolve(writer.set(key, value, 60)), timeoutMs, 'set')
  const read = await within(Promise.resolve(reader.get(key)), timeoutMs, 'get')
  await within(Promise.resolve(writer.delete(key)), timeoutMs, 'delete')
  return read
}

/** The storage keeps what it is given, and answers within `timeoutMs`. */
async function roundTrip(
  storage: KeyValueStorage,
  key: string,
  value: string,
  timeoutMs: number,
): Promise<void> {
  const read = await readBack(storage, storage, key, value, timeoutMs)
  if (read !== value) throw new Error(`it returned ${JSON.stringify(read)} for a key just set`)
}

/** The synced topology's storage: each side's answers, and it is one storage. */
export async function checkStorage(
  report: Report,
  payload: SideView,
  betterAuth: SideView,
  { nonce, timeoutMs }: { nonce: string; timeoutMs: number },
): Promise<void> {
  const shared = payload.storage === betterAuth.storage
  for (const side of shared ? [payload] : [payload, betterAuth]) {
    await report.check(`${side.name}'s storage (${describe(side.storage)})`, async () => {
      await roundTrip(side.storage, doctorKey(`${nonce}:${side.side}`), nonce, timeoutMs)
      report.add({
        status: 'ok',
        text: `${shared ? 'storage' : `${side.name}'s storage`} answers (${describe(side.storage)})${shared ? '; both sides use it' : ''}`,
      })
    })
  }
  if (!shared) {
    // Two storage objects may still be one store (two clients of one Redis): a key crosses over.
    await report.check('whether both sides share the storage', async () => {
      const read = await readBack(
        payload.storage,
        betterAuth.storage,
        doctorKey(nonce),
        nonce,
        timeoutMs,
      )
      report.add(
        read === nonce
          ? { status: 'ok', text: 'both sides share one storage' }
          : {
              status: 'FAIL',
              text: `the two sides use different storages (Payload: ${describe(payload.storage)}; Better Auth: ${describe(betterAuth.storage)}): a key Payload writes is not in Better Auth's`,
              fix: lowerFirst(STORAGE_FIX),
            },
      )
    })
  }
  if ([payload, betterAuth].some((side) => isInProcess(side.storage))) {
    report.add({
      status: 'warn',
      text: 'the storage is in memory: it is shared only by two plugins in one process, and empty after a restart',
      fix: 'use createRedisStorage (or createSqliteStorage on one machine) in production',
    })
  }
}

/**
 * The shared-database topology's storage, if Better Auth has one (its `secondaryStorage`, where
 * Payload reads the sessions too): it answers.
 */
export async function checkSessionStorage(
  report: Report,
  auth: DoctorAuth,
  { nonce, timeoutMs }: { nonce: string; timeoutMs: number },
): Promise<void> {
  const storage = auth.options.secondaryStorage
  if (!storage) return
  await report.check(
    `the session storage (${describe(storage)})`,
    async () => {
      await roundTrip(storage, doctorKey(`${nonce}:sessions`), nonce, timeoutMs)
      report.add({ status: 'ok', text: `the session storage answers (${describe(storage)})` })
    },
    "check that Better Auth's secondaryStorage is reachable from here (the deployment's REDIS_URL, say)",
  )
}
