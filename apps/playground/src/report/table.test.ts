import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Session } from '@authmux/core'
import type { StreamRow } from '../streams'
import { Tracker, type ProviderRow } from '../tracker'
import { LiveView } from './live'
import { createStyle } from './style'
import { renderStreamTable, renderTable } from './table'

const row = (over: Partial<ProviderRow>): ProviderRow => ({
  name: 'axiom',
  state: 'valid',
  logins: 1,
  storeLoads: 0,
  refreshes: 2,
  backgroundRefreshes: 2,
  requestsOk: 40,
  requestsFailed: 0,
  errors: 0,
  lastEvent: 'refreshed in the background',
  lastOk: true,
  ...over,
})

describe('renderTable', () => {
  it('prints a header and one aligned row per provider, without colour when colour is off', () => {
    const lines = renderTable(
      [
        row({ expiresAt: 95_000 }),
        row({ name: 'aionmarket', refreshes: 0, lastEvent: 'logged in' }),
        row({ name: 'apala', state: 'signed-out', requestsFailed: 3 }),
      ],
      0,
      createStyle(false),
    )
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/^provider\s+state\s+expires in\s+logins\s+refreshes\s+ok\s+failed\s+last event$/)
    expect(lines[1]).toMatch(/^axiom\s+valid\s+1m35s\s+1\s+2\s+40\s+0\s+refreshed in the background$/)
    expect(lines[2]).toMatch(/^aionmarket\s+valid \(static\)\s+never\s/)
    expect(lines[3]).toMatch(/^apala\s+signed-out\s+-\s+1\s+2\s+40\s+3\s/)
    expect(lines.join('\n')).not.toMatch(/\x1b/)
    // Columns line up: "state" starts at the same offset on every line.
    expect(new Set(lines.slice(1).map((l) => l.search(/valid|signed-out/))).size).toBe(1)
  })
})

describe('renderStreamTable', () => {
  const stream = (over: Partial<StreamRow>): StreamRow => ({
    name: 'projectx-user',
    provider: 'projectx',
    subscriptions: ['SubscribeAccounts', 'SubscribeOrders:70011'],
    state: 'open',
    opens: 3,
    reconnects: 2,
    attempts: 11,
    restored: 4,
    messages: 57,
    afterFaults: 15,
    errors: [],
    lastEvent: 'reconnected, 2 subscriptions restored',
    ...over,
  })

  it('prints one aligned row per stream: reconnects, restored subscriptions, messages, messages after the faults', () => {
    const lines = renderStreamTable(
      [
        stream({}),
        stream({ name: 'tradeready-ticker', provider: 'tradeready', state: 'reconnecting', afterFaults: undefined, lastEvent: 'reconnecting (attempt 3)' }),
      ],
      createStyle(false),
    )
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^stream\s+state\s+reconnects\s+restored\s+messages\s+after faults\s+last event$/)
    expect(lines[1]).toMatch(/^projectx user\s+open\s+2\s+4\s+57\s+15\s+reconnected, 2 subscriptions restored$/)
    expect(lines[2]).toMatch(/^tradeready ticker\s+reconnecting\s+2\s+4\s+57\s+-\s+reconnecting \(attempt 3\)$/)
    expect(new Set(lines.map((l) => l.search(/state|open|reconnecting/))).size).toBe(1)
  })
})

describe('LiveView', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('redraws in place with ANSI cursor movement, at most 8 times a second however busy the bot is', () => {
    vi.useFakeTimers()
    const listeners: ((e: unknown) => void)[] = []
    const strategy = {
      on: (_: string, l: (e: unknown) => void) => {
        listeners.push(l)
        return () => {}
      },
      status: () => ({ state: 'valid' as const }),
    }
    const tracker = new Tracker({ aionmarket: strategy as unknown as Session }, () => 0)
    const writes: string[] = []
    const view = new LiveView((t) => writes.push(t), createStyle(true))
    view.watch(tracker, () => 'bot 1')
    for (let i = 0; i < 1000; i++) {
      tracker.record('aionmarket', { ok: true, durationMs: 1 })
      vi.advanceTimersByTime(1)
    }
    const draws = writes.filter((w) => w.includes('aionmarket'))
    expect(draws.length).toBeGreaterThanOrEqual(5)
    expect(draws.length).toBeLessThanOrEqual(9)
    // From the second draw on, the cursor goes back up over the previous table and clears it.
    expect(draws[1]).toMatch(/^\x1b\[3F\x1b\[J/)
    expect(draws.at(-1)).toMatch(/1000/)
    view.stop()
    expect(writes.at(-1)).toBe('\x1b[?25h')
    tracker.close()
  })
})
