import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileTokenStore } from '@authmux/store-file'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { INDEX_LOCK_KEY, SessionIndex, type IndexEntry } from './index-file'

const KEY = Buffer.alloc(32, 7).toString('base64url')

const entry = (writer: string, n: number): IndexEntry => ({
  provider: 'apala',
  label: `${writer}-${n}`,
  storeKey: `apala:${writer}-${n}`,
  keySaved: false,
  updatedAt: n,
})

describe('SessionIndex', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authmux-cli-index-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps every entry when two writers (two file stores on one directory) update it at once', async () => {
    const writers = ['a', 'b'].map((name) => {
      const store = createFileTokenStore({ dir, key: KEY })
      return { name, index: new SessionIndex(dir, (fn) => store.withLock(INDEX_LOCK_KEY, fn)) }
    })
    await Promise.all(writers.flatMap(({ name, index }) => Array.from({ length: 12 }, (_, n) => index.upsert(entry(name, n)))))
    const sessions = await new SessionIndex(dir).list()
    expect(sessions).toHaveLength(24)
    expect(new Set(sessions.map((s) => s.storeKey)).size).toBe(24)

    await Promise.all(writers.map(({ name, index }) => index.remove('apala', `apala:${name}-0`)))
    expect((await new SessionIndex(dir).list()).map((s) => s.label)).not.toContain('a-0')
    expect(await new SessionIndex(dir).list()).toHaveLength(22)
  })
})
