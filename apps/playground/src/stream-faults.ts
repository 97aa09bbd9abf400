import type { Session } from '@authmux/core'
import { credentialTag, type Emulators, type StreamControls, type StreamLogEntry } from '@authmux/testkit'
import type { Bot } from './bot'
import type { ProviderName } from './providers'
import type { View } from './report/view'
import { STREAM_INFO, type BotStreams, type StreamHandle, type StreamName, waitUntil } from './streams'
import { sleep } from './traffic'

/** The scripted stream faults, in the order they play. */
export const STREAM_FAULTS = ['drop', 'rotate', 'refuse'] as const
export type StreamFault = (typeof STREAM_FAULTS)[number]

/** Labels of the stream faults for the table, the report and the expectations. */
export const STREAM_FAULT_LABELS: Record<StreamFault, string> = {
  drop: 'sockets dropped',
  rotate: 'token rotated while connected',
  refuse: 'upgrades refused (503)',
}

/** A stream fault as it played out on one stream. */
export interface StreamFaultOutcome {
  stream: StreamName
  fault: StreamFault
  label: string
  recovered: boolean
  detail: string
}

/** What the emulator's stream log says about one stream over the whole run. Counts only, never a credential. */
export interface StreamEmulatorStats {
  /** Upgrade attempts the emulator saw on the stream's path. */
  upgrades: number
  /** Upgrades accepted (sockets opened). */
  accepted: number
  /** Upgrades refused (an HTTP status instead of 101). */
  refused: number
  /** Accepted upgrades after the first one: the reconnects. */
  reconnects: number
  /** Reconnects on which the emulator saw every one of the stream's subscriptions again, accepted. */
  reconnectsRestored: number
  /** Subscriptions (or joins) the emulator accepted on the reconnects. */
  restoredSubscriptions: number
  /** Upgrades whose credential was not valid when it arrived (expired, revoked, invalid) or was missing. */
  staleCredentials: number
}

/** Where a stream shows up in the emulators: whose stream log, which path, and the keys its subscriptions log as. */
function streamSite(emulators: Emulators, name: StreamName): { controls: StreamControls; path: string } {
  switch (name) {
    case 'projectx-market':
      return { controls: emulators.projectx.streams, path: '/hubs/market' }
    case 'projectx-user':
      return { controls: emulators.projectx.streams, path: '/hubs/user' }
    case 'tradeready-ticker':
      return { controls: emulators.tradeready.streams, path: '/ws/v1' }
    case 'axiom-new-pairs':
      return { controls: emulators.axiom.streams, path: '/' }
  }
}

function upgrades(emulators: Emulators, name: StreamName, sinceVirtualMs = Number.NEGATIVE_INFINITY): StreamLogEntry[] {
  const { controls, path } = streamSite(emulators, name)
  return controls.log.list({ kind: 'upgrade' }).filter((e) => e.path === path && e.at >= sinceVirtualMs)
}

/** How many of `expected` the emulator accepted on this connection. */
function restoredOn(entry: StreamLogEntry, expected: readonly string[]): number {
  return expected.filter((key) => entry.subscriptions.some((s) => s.key === key && s.ok && (s.op === 'subscribe' || s.op === 'join'))).length
}

/** The emulator's view of one stream over the run (see `StreamEmulatorStats`). */
export function streamEmulatorStats(emulators: Emulators, name: StreamName, expected: readonly string[]): StreamEmulatorStats {
  const all = upgrades(emulators, name)
  const accepted = all.filter((e) => e.status === 101)
  const reconnects = accepted.slice(1)
  return {
    upgrades: all.length,
    accepted: accepted.length,
    refused: all.length - accepted.length,
    reconnects: reconnects.length,
    reconnectsRestored: reconnects.filter((e) => restoredOn(e, expected) === expected.length).length,
    restoredSubscriptions: reconnects.reduce((n, e) => n + restoredOn(e, expected), 0),
    staleCredentials: all.filter((e) => e.credential?.state !== 'valid').length,
  }
}

/** The tokens a session held, in order, as credential tags (the emulators' log shows tags, never tokens). */
class TokenHistory {
  readonly #entries: { tag: string; at: number }[] = []
  readonly #off: (() => void)[]

  constructor(session: Session) {
    const grab = () => {
      const token = session.accessToken
      if (token !== undefined) this.#entries.push({ tag: credentialTag(token), at: performance.now() })
    }
    grab()
    this.#off = [session.on('login', grab), session.on('refresh', grab)]
  }

  /** Tags of the token held at `at` and of every token after it. */
  since(at: number): Set<string> {
    let first = 0
    for (let i = 0; i < this.#entries.length; i++) if (this.#entries[i]!.at <= at) first = i
    return new Set(this.#entries.slice(first).map((e) => e.tag))
  }

  close(): void {
    for (const off of this.#off) off()
  }
}

/** Providers whose streams carry the session's token (TradeReady's carries the API key). */
const TOKEN_STREAMS: ReadonlySet<ProviderName> = new Set(['projectx', 'axiom'])

export interface StreamFaultOptions {
  bot: Bot
  streams: BotStreams
  emulators: Emulators
  view: View
  /** How long upgrades are refused, in real ms. */
  refuseMs: number
}

/**
 * The scripted stream faults, one after the other, each judged from the bot's stream events and the emulators'
 * stream log: every socket dropped by the servers (each stream must reconnect with the session's current token and
 * restore its subscriptions); every token renewed while the streams are open (they stay open, and the next reconnect
 * must carry the renewed token, never the one the socket opened with); upgrades refused with 503 for `refuseMs` while
 * every socket is dropped again (the streams back off and come back once the refusal ends).
 */
export async function runStreamFaults(options: StreamFaultOptions): Promise<StreamFaultOutcome[]> {
  const { bot, streams, emulators, view } = options
  const handles = [...streams.handles.values()]
  const outcomes: StreamFaultOutcome[] = []
  const settle = (h: StreamHandle, fault: StreamFault, recovered: boolean, detail: string) => {
    outcomes.push({ stream: h.row.name, fault, label: STREAM_FAULT_LABELS[fault], recovered, detail })
    const verdict = `${STREAM_FAULT_LABELS[fault]} ${recovered ? 'recovered' : 'NOT recovered'}`
    h.note(verdict, `${STREAM_INFO[h.row.name].what}: ${verdict}: ${detail}`)
  }
  const histories = new Map<ProviderName, TokenHistory>()
  for (const provider of TOKEN_STREAMS) {
    const session = bot.strategies[provider]
    if (session) histories.set(provider, new TokenHistory(session))
  }
  const now = () => emulators.clock.now()
  const reopenedWithMessage = (h: StreamHandle, after: number) =>
    h.row.state === 'open' && (h.openedAt ?? 0) > after && h.firstMessageAt !== undefined && h.firstMessageAt > after

  try {
    await waitUntil(() => handles.every((h) => h.row.state === 'open' && h.firstMessageAt !== undefined), 5_000)

    // 1. Every socket dropped by the servers (close 1012, "service restart").
    const dropAt = performance.now()
    const dropVirtual = now()
    const dropped = emulators.dropAllSockets()
    view.line(`streams: the emulators closed all ${dropped} sockets (1012 service restart)`)
    await waitUntil(() => handles.every((h) => reopenedWithMessage(h, dropAt)), 8_000)
    for (const h of handles) {
      const entry = upgrades(emulators, h.row.name, dropVirtual).find((e) => e.status === 101)
      const token = tokenVerdict(h, entry, histories.get(h.row.provider)?.since(dropAt))
      const restored = entry ? restoredOn(entry, h.row.subscriptions) : 0
      const back = reopenedWithMessage(h, dropAt)
      settle(
        h,
        'drop',
        back && restored === h.row.subscriptions.length && token.ok,
        back
          ? `reconnected in ${seconds(h.openedAt! - dropAt)}, first message after ${seconds(h.firstMessageAt! - dropAt)}; the emulator saw ${restored}/${h.row.subscriptions.length} subscriptions again on the new socket; ${token.text}`
          : `no message on a new socket within 8 s (state ${h.row.state})`,
      )
    }

    // 2. Every token renewed while the streams are open: they stay open; the next reconnect must carry the new one.
    const openTags = new Map<StreamName, string | undefined>()
    for (const h of handles) {
      const open = upgrades(emulators, h.row.name).filter((e) => e.open)
      openTags.set(h.row.name, open.at(-1)?.credential?.tag)
    }
    const before = new Map(handles.map((h) => [h.row.name, { opens: h.row.opens, messages: h.row.messages }]))
    const rotating = (['projectx', 'axiom', 'tradeready'] as const).filter((p) => bot.strategies[p] !== undefined)
    await Promise.all(rotating.map((p) => bot.strategies[p]!.refresh()))
    const rotatedAt = performance.now()
    view.line(`streams: renewed the tokens of ${rotating.join(', ')} while every stream was open`)
    await waitUntil(() => handles.every((h) => h.row.messages >= before.get(h.row.name)!.messages + 2), 3_000)
    for (const h of handles) {
      const was = before.get(h.row.name)!
      const stayed = h.row.opens === was.opens && h.row.state === 'open'
      const more = h.row.messages - was.messages
      const note = TOKEN_STREAMS.has(h.row.provider)
        ? 'the next reconnect must carry the renewed token (checked after the refusal)'
        : 'the stream authenticates with the API key, not the token'
      settle(h, 'rotate', stayed && more > 0, `${stayed ? 'stayed open' : 'reconnected'} and received ${more} more message(s); ${note}`)
    }

    // 3. Upgrades refused with 503 while every socket is dropped again; then accepted again.
    const refuseVirtual = now()
    const refusals = [emulators.projectx, emulators.tradeready, emulators.axiom].map((e) => e.streams.refuseUpgrades({ status: 503 }))
    const droppedAgain = emulators.dropAllSockets()
    view.line(`streams: upgrades refused with 503 for ${seconds(options.refuseMs)}, all ${droppedAgain} sockets closed`)
    await sleep(options.refuseMs)
    for (const refusal of refusals) refusal.cancel()
    const liftedAt = performance.now()
    for (const h of handles) h.markAfterFaults()
    view.line('streams: upgrades accepted again')
    await waitUntil(() => handles.every((h) => reopenedWithMessage(h, liftedAt)), 8_000)
    for (const h of handles) {
      const attempts = upgrades(emulators, h.row.name, refuseVirtual)
      const refused = attempts.filter((e) => e.status === 503).length
      const entry = attempts.find((e) => e.status === 101)
      const restored = entry ? restoredOn(entry, h.row.subscriptions) : 0
      const token = tokenVerdict(h, entry, histories.get(h.row.provider)?.since(rotatedAt), openTags.get(h.row.name))
      const back = reopenedWithMessage(h, liftedAt)
      settle(
        h,
        'refuse',
        back && refused >= 1 && restored === h.row.subscriptions.length && token.ok,
        back
          ? `${refused} upgrade(s) refused with 503, backing off; reconnected ${seconds(h.openedAt! - liftedAt)} after the refusal ended, ${restored}/${h.row.subscriptions.length} subscriptions restored; ${token.text}`
          : `no message on a new socket within 8 s of the refusal ending (${refused} refused, state ${h.row.state})`,
      )
    }
  } finally {
    for (const history of histories.values()) history.close()
  }
  return outcomes
}

/**
 * Did the accepted reconnect carry the right credential? Token streams: valid, one of `fresh` (the token held at the
 * fault or a newer one) and never `stale` (the one the socket had opened with before a rotation). TradeReady: its
 * API key, valid.
 */
function tokenVerdict(h: StreamHandle, entry: StreamLogEntry | undefined, fresh: Set<string> | undefined, stale?: string): { ok: boolean; text: string } {
  const credential = entry?.credential
  if (!entry || !credential) return { ok: false, text: 'no accepted upgrade in the emulator log' }
  if (credential.state !== 'valid') return { ok: false, text: `the upgrade carried a ${credential.state} credential (${credential.via})` }
  if (!TOKEN_STREAMS.has(h.row.provider)) return { ok: true, text: `authenticated with the API key (${credential.via})` }
  if (stale !== undefined && credential.tag === stale) return { ok: false, text: `the upgrade carried the token from before the rotation (${credential.via})` }
  if (!fresh?.has(credential.tag)) return { ok: false, text: `the upgrade carried a token the session no longer held (${credential.via})` }
  return { ok: true, text: `${stale !== undefined ? 'the renewed token' : "the session's current token"} on the upgrade (${credential.via})` }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
