import { readdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { StoreError } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { exited, spawnChild, tempStoreDir, waitForLine } from './test-support/helpers'

const KEY = 'projectx:canary-trader'

/** Checks that marker lines come in strict enter/exit pairs of the same holder. */
function expectNoInterleaving(lines: string[]): void {
  expect(lines.length % 2).toBe(0)
  for (let i = 0; i < lines.length; i += 2) {
    const [enterWord, enterLabel, enterIndex] = lines[i]!.split(' ')
    const [exitWord, exitLabel, exitIndex] = lines[i + 1]!.split(' ')
    expect([enterWord, exitWord]).toEqual(['enter', 'exit'])
    expect(`${exitLabel} ${exitIndex}`).toBe(`${enterLabel} ${enterIndex}`)
  }
}

async function lockFileOf(dir: string): Promise<string> {
  const name = (await readdir(dir)).find((file) => file.endsWith('.lock') && file !== 'store.lock')
  if (name === undefined) throw new Error('no lock file')
  return join(dir, name)
}

describe('withLock', () => {
  it('excludes concurrent holders within one process and returns fn’s value', async () => {
    const store = createFileTokenStore({ dir: await tempStoreDir() })
    const lines: string[] = []
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.withLock(KEY, async () => {
          lines.push(`enter p ${i}`)
          await new Promise((resolve) => setTimeout(resolve, 2))
          lines.push(`exit p ${i}`)
        }),
      ),
    )
    expectNoInterleaving(lines)
    expect(lines).toHaveLength(10)
    expect(await store.withLock(KEY, async () => 'value')).toBe('value')
    await expect(store.withLock(KEY, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await store.withLock(KEY, async () => 'released after a throw')).toBe('released after a throw')
    expect((await readdir(store.dir)).filter((name) => name.endsWith('.lock'))).toEqual([])
  })

  it('get/set/delete of the same key inside withLock do not deadlock (the engine re-reads and saves under the lock)', async () => {
    const store = createFileTokenStore({ dir: await tempStoreDir(), lockTimeoutMs: 2000 })
    const result = await store.withLock(KEY, async () => {
      expect(await store.get(KEY)).toBeUndefined()
      await store.set(KEY, { accessToken: 'inside' })
      const read = await store.get(KEY)
      await store.delete(KEY)
      await store.set(KEY, { accessToken: 'again' })
      return read
    })
    expect(result).toEqual({ accessToken: 'inside' })
    expect(await store.get(KEY)).toEqual({ accessToken: 'again' })
  })

  it('is mutually exclusive across processes started at the same moment', async () => {
    const dir = await tempStoreDir()
    await createFileTokenStore({ dir }).get(KEY) // creates the key file the children share
    const marker = join(dir, '..', 'marker.log')
    await writeFile(marker, '')
    const children = ['a', 'b', 'c'].map((label) => spawnChild('locker', ['mutex', dir, KEY, marker, label, '8', '3']))
    await Promise.all(children.map((child) => waitForLine(child, 'ready')))
    for (const child of children) child.stdin!.write('go\n') // all three start at the same moment
    expect(await Promise.all(children.map(exited))).toEqual([0, 0, 0])
    const lines = (await readFile(marker, 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(3 * 8 * 2)
    expectNoInterleaving(lines)
    // They really competed: holders alternated instead of running one after another.
    const holders = lines.filter((_, i) => i % 2 === 0).map((line) => line.split(' ')[1])
    const switches = holders.filter((label, i) => i > 0 && label !== holders[i - 1]).length
    expect(switches).toBeGreaterThan(2)
  })

  it('waits for a live holder in another process, then times out with STORE_LOCK_TIMEOUT', async () => {
    const dir = await tempStoreDir()
    await createFileTokenStore({ dir }).get(KEY)
    // The holder's lock goes stale 300 ms after its last refresh; it refreshes every 100 ms while alive.
    const holder = spawnChild('locker', ['hold', dir, KEY, '300'])
    await waitForLine(holder, 'locked')
    const store = createFileTokenStore({ dir, lockTimeoutMs: 700, lockStaleMs: 300 })
    const started = Date.now()
    const error = await store.withLock(KEY, async () => 'acquired').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ code: 'STORE_LOCK_TIMEOUT' })
    expect((error as Error).message).toMatch(/^@authmux\/store-file: timed out after 700 ms/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(650)
    holder.kill('SIGKILL')
    await exited(holder)
  })

  it('recovers a lock whose holder was killed (dead pid) at once', async () => {
    const dir = await tempStoreDir()
    await createFileTokenStore({ dir }).get(KEY)
    const holder = spawnChild('locker', ['hold', dir, KEY])
    await waitForLine(holder, 'locked')
    const lockFile = await lockFileOf(dir)
    holder.kill('SIGKILL')
    await exited(holder)
    expect(await readdir(dir)).toContain(lockFile.split('/').at(-1)) // left behind by the killed holder
    // As if it had also died in the middle of taking over another lock: a leftover takeover marker.
    await writeFile(`${lockFile}.break`, JSON.stringify({ pid: holder.pid, host: hostname(), token: 'dead' }))
    const store = createFileTokenStore({ dir, lockTimeoutMs: 2000, lockStaleMs: 60_000 })
    const started = Date.now()
    expect(await store.withLock(KEY, async () => 'recovered')).toBe('recovered')
    expect(Date.now() - started).toBeLessThan(1000)
    expect((await readdir(dir)).filter((name) => name.includes('.lock'))).toEqual([])
  })

  it('takes over a lock not refreshed for lockStaleMs (holder on another host), not before', async () => {
    const dir = await tempStoreDir()
    const store = createFileTokenStore({ dir, lockTimeoutMs: 150, lockStaleMs: 1000 })
    // Learn the lock file's name while holding it, then leave a foreign holder's file in its place.
    const lockFile = await store.withLock(KEY, () => lockFileOf(dir))
    await writeFile(lockFile, JSON.stringify({ pid: 1, host: 'some-other-host', token: 'x' }))
    await expect(store.withLock(KEY, async () => 'too early')).rejects.toMatchObject({ code: 'STORE_LOCK_TIMEOUT' })
    const old = new Date(Date.now() - 5000)
    await utimes(lockFile, old, old)
    expect(await store.withLock(KEY, async () => 'taken over')).toBe('taken over')
  })
})
