import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createFileTokenStore } from './index'
import { collectErrors, exited, spawnChild, tempStoreDir, waitForLine } from './test-support/helpers'

const KEY = 'apala:canary-bot'
const KILLS = 200
/** Writers killed and respawned side by side (they also contend for the same write lock). */
const LANES = 4

describe('crash safety', () => {
  it(`a writer SIGKILLed ${KILLS} times at random moments never leaves a partial or unreadable token file`, async () => {
    const dir = await tempStoreDir()
    const reader = createFileTokenStore({ dir })
    const errors = collectErrors(reader)
    await reader.get(KEY) // create the key file the writers share
    let kills = 0
    let checks = 0

    async function lane(lane: number): Promise<void> {
      while (kills < KILLS) {
        kills++
        const writer = spawnChild('writer', [dir, KEY, `w${lane}-${kills}`])
        await waitForLine(writer, 'ready')
        // Let it run a random while (mostly inside a write: each takes ~1 ms), then kill it without warning.
        await sleep(Math.random() * 12)
        writer.kill('SIGKILL')
        expect(await exited(writer)).toBe('SIGKILL')
        const tokens = await reader.get(KEY)
        expect(tokens).toBeDefined()
        const { length, writerId, seq } = tokens!.meta as { length: number; writerId: string; seq: number }
        expect(tokens!.accessToken).toHaveLength(length)
        expect(tokens!.accessToken.startsWith(`at-${writerId}-${seq}-`)).toBe(true)
        expect(tokens!.refreshToken).toBe(`rt-${writerId}-${seq}`)
        checks++
      }
    }

    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)))
    expect(checks).toBe(kills)
    expect(kills).toBeGreaterThanOrEqual(KILLS)
    expect(errors).toEqual([])
    // A new process start sweeps the temp files the killed writers left behind.
    const fresh = createFileTokenStore({ dir })
    expect(await fresh.get(KEY)).toBeDefined()
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    // ~5 s on an idle 2-core machine (node start-up dominates); the margin is for heavily loaded CI hosts.
  }, 60_000)
})
