// Test-only: the model-based lifecycle test (lifecycle.model.test.ts), run through `checkLifecycleModel()`. Its parts:
// model-limits (invariants and their limits), model-answers (scripted answers, virtual clock), model-server (the
// loopback token server), model-flow (the flow and a recording store), model-render (canaries, unhandled rejections),
// model-harness (sessions against the server, invariants after every step), model-commands (fast-check commands).
import fc from 'fast-check'
import type { InvariantName } from './model-limits'

export { INVARIANT_NAMES, INVARIANTS, type InvariantName } from './model-limits'
import { trackUnhandledRejections } from './model-render'
import { InvariantViolation, LifecycleHarness, type ModelStats, emptyStats } from './model-harness'
import { actionArbs, configArb } from './model-commands'

// ── the runner ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface ModelRunOptions {
  /** Sequences to run. */
  runs: number
  /** Longest command sequence. */
  maxCommands: number
  /** Invariants that fail the run (the others are still recorded and reported). */
  enforce: ReadonlySet<InvariantName>
  seed?: number
  path?: string
  replayPath?: string
  /** Stop starting new sequences (and shrinking) after this many ms; a failure found so far is still reported. */
  timeLimitMs?: number
  /** Called every `progressEvery` sequences. */
  onProgress?: (done: number, stats: ModelStats) => void
  progressEvery?: number
}

export interface ModelRunResult {
  failed: boolean
  interrupted: boolean
  numRuns: number
  numShrinks: number
  seed: number
  path: string | undefined
  /** fast-check's report (seed, path, counterexample, the violation with its trace) plus how to replay it. */
  report: string
  stats: ModelStats
  ms: number
}

/** Runs the model: `runs` random sequences of `Step`s against fresh harnesses. */
export async function checkLifecycleModel(options: ModelRunOptions): Promise<ModelRunResult> {
  const started = performance.now()
  const stats = emptyStats()
  const rejections = trackUnhandledRejections()
  try {
    const commands = fc.commands(actionArbs(), {
      maxCommands: options.maxCommands,
      size: 'max',
      ...(options.replayPath ? { replayPath: options.replayPath } : {}),
    })
    const property = fc.asyncProperty(configArb, commands, async (config, cmds) => {
      stats.sequences++
      if (options.onProgress && stats.sequences % (options.progressEvery ?? 500) === 0) options.onProgress(stats.sequences, stats)
      rejections.take()
      const harness = await LifecycleHarness.start(config, options.enforce, rejections, stats)
      try {
        await fc.asyncModelRun(() => ({ model: { hasB: config.second !== 'none' }, real: harness }), cmds)
        await harness.drain()
      } finally {
        await harness.close()
      }
    })
    const details = await fc.check(property, {
      numRuns: options.runs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.path !== undefined ? { path: options.path } : {}),
      timeout: 20_000,
      ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
    })
    let report = ''
    if (details.failed) {
      const replay = [
        `replay: node scripts/model-check.mjs --seed ${details.seed} --path "${details.counterexamplePath ?? ''}"`,
        ' (add --replay-path "<the replayPath printed in the counterexample>" to replay the exact commands)',
      ].join('')
      const error = details.errorInstance
      const violation = error instanceof Error ? (error instanceof InvariantViolation ? error.message : (error.stack ?? error.message)) : String(error)
      report = `${fc.defaultReportMessage(details) ?? 'the model failed'}\n\n${replay}\n\nThe shrunk sequence broke:\n${violation}`
    }
    return {
      failed: details.failed,
      interrupted: details.interrupted,
      numRuns: details.numRuns,
      numShrinks: details.numShrinks,
      seed: details.seed,
      path: details.counterexamplePath ?? undefined,
      report,
      stats,
      ms: performance.now() - started,
    }
  } finally {
    rejections.stop()
  }
}
