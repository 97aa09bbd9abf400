import { inspect } from 'node:util'
import { AuthError } from '../index'
import { CANARY_API_KEY, CANARY_MARKERS } from './canaries'

// ── rendering and canaries ────────────────────────────────────────────────────────────────────────────────────────

/** Every way a value can be shown: JSON, util.inspect, String(), and for errors message, stack and the cause chain. */
export function renderings(value: unknown, depth = 0): string[] {
  const out: string[] = []
  const attempt = (fn: () => string | undefined) => {
    try {
      out.push(fn() ?? '')
    } catch {
      // an unrenderable value shows nothing
    }
  }
  attempt(() => JSON.stringify(value))
  attempt(() => inspect(value, { depth: 8 }))
  attempt(() => String(value))
  if (value instanceof Error) {
    attempt(() => value.message)
    attempt(() => value.stack)
    const cause = (value as { cause?: unknown }).cause
    if (cause !== undefined && depth < 5) out.push(...renderings(cause, depth + 1))
  }
  return out
}

/** The first canary in any rendering of `value`, with the text around it. */
export function leakedMarker(value: unknown): { marker: string; text: string } | undefined {
  for (const text of renderings(value)) {
    for (const marker of CANARY_MARKERS) {
      const at = text.indexOf(marker)
      if (at >= 0) return { marker, text: `${at > 300 ? '…' : ''}${text.slice(Math.max(0, at - 300), at + 120)}…` }
    }
  }
  return undefined
}

/** What each canary marker stands for, in reports (the marker itself must never be printed: console-canary.ts). */
export function markerName(marker: string): string {
  return marker === CANARY_API_KEY ? 'api key' : marker === 'CANARYTOK' ? 'access token' : marker === 'CANARYREF' ? 'refresh token' : 'secret'
}

/** Text safe to print in a failure report: every canary replaced by what it stands for («refresh token»). */
export function masked(text: string): string {
  let out = text
  for (const marker of CANARY_MARKERS) out = out.split(marker).join(`«${markerName(marker)}»`)
  return out.length > 600 ? `${out.slice(0, 600)}…` : out
}

export function describeError(error: unknown): string {
  if (error instanceof AuthError) return `${error.name}(${error.code}${error.status ? ` ${error.status}` : ''}): ${masked(error.message)}`
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause
    const causeText = cause instanceof Error ? ` [cause ${cause.name}: ${masked(cause.message)}]` : ''
    return `${error.name}: ${masked(error.message)}${causeText}`
  }
  return `non-error ${masked(String(error))}`
}

export function isAbortLike(error: unknown, reason: unknown): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause
  const names = [error, cause].map((e) => (e as { name?: unknown } | undefined)?.name)
  return error === reason || cause === reason || names.includes('AbortError')
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

// ── unhandled rejections ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * Collects unhandled rejections while the model runs. vitest's own listeners are detached meanwhile (and restored
 * by `stop()`), so a leak is reported once, with the sequence that caused it, instead of as a stray vitest error.
 */
export function trackUnhandledRejections(): { take(): unknown[]; stop(): void } {
  const saved = process.listeners('unhandledRejection')
  process.removeAllListeners('unhandledRejection')
  let seen: unknown[] = []
  const listener = (reason: unknown) => {
    seen.push(reason)
  }
  process.on('unhandledRejection', listener)
  return {
    take() {
      const out = seen
      seen = []
      return out
    },
    stop() {
      process.off('unhandledRejection', listener)
      for (const l of saved) process.on('unhandledRejection', l)
    },
  }
}
