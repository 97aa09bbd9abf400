// Model-based test of the session lifecycle (issue 12): random interleavings of requests (some concurrent, some
// aborted), clock jumps, scripted provider answers (200 with any lifetime including expired-on-arrival, 401, 429,
// 5xx, hang, garbage, cut body), login/refresh/logout, setTokens, store writes and deletes from outside, and
// dispose — two sessions on one store, against a loopback token server — with the invariants below checked after
// every step. The pieces are in ./testing/lifecycle-model.ts.
//
//   pnpm vitest run --project core src/lifecycle.model.test.ts          CI size (MODEL_CI_RUNS sequences)
//   node scripts/model-check.mjs --runs 10000                           the long run (prints progress and timing)
//   node scripts/model-check.mjs --seed <s> --path <p>                  replay a failure (both printed on failure)
//   MODEL_INVARIANTS=logout-sticks,single-flight …                      enforce only some invariants (all are still
//                                                                       recorded and listed in a failure report)
import { describe, expect, it } from 'vitest'
import { checkLifecycleModel, INVARIANT_NAMES, INVARIANTS, type InvariantName } from './testing/lifecycle-model'

/** The one place the CI size is set: sequences per run, and the longest sequence. `MODEL_RUNS` overrides it. */
const MODEL_CI_RUNS = 200
const MODEL_MAX_COMMANDS = 25

const env = process.env
const runs = Number(env.MODEL_RUNS ?? MODEL_CI_RUNS)
const maxCommands = Number(env.MODEL_MAX_COMMANDS ?? MODEL_MAX_COMMANDS)
// `MODEL_INVARIANTS=none` enforces nothing: the run only catalogues what it sees.
const enforce = new Set<InvariantName>(
  env.MODEL_INVARIANTS
    ? env.MODEL_INVARIANTS.split(',')
        .map((name) => name.trim())
        .filter((name) => name !== 'none')
        .filter((name): name is InvariantName => {
          if (!(INVARIANT_NAMES as string[]).includes(name))
            throw new Error(`MODEL_INVARIANTS: unknown invariant '${name}' (known: ${INVARIANT_NAMES.join(', ')})`)
          return true
        })
    : INVARIANT_NAMES,
)
// A generous wall-clock allowance: a sequence takes ~150 ms on 2 idle cores (~600 ms on a loaded machine), plus
// shrinking time on failure. A run cut short by it fails: it did not check what it claims.
const timeLimitMs = Number(env.MODEL_TIME_LIMIT_MS ?? Math.max(90_000, runs * 1_000))

describe('session lifecycle model', () => {
  it(
    `keeps its invariants over ${runs} random sequences (${enforce.size === INVARIANT_NAMES.length ? 'all invariants' : [...enforce].join(', ') || 'none enforced'})`,
    async () => {
      const result = await checkLifecycleModel({
        runs,
        maxCommands,
        enforce,
        ...(env.MODEL_SEED ? { seed: Number(env.MODEL_SEED) } : {}),
        ...(env.MODEL_PATH ? { path: env.MODEL_PATH } : {}),
        ...(env.MODEL_REPLAY_PATH ? { replayPath: env.MODEL_REPLAY_PATH } : {}),
        timeLimitMs,
        ...(env.MODEL_PROGRESS
          ? {
              progressEvery: Number(env.MODEL_PROGRESS) || 500,
              onProgress: (done, stats) =>
                console.log(
                  `model: ${done} sequences, ${stats.commands} commands, ${stats.authCalls} auth calls, violations ${JSON.stringify(stats.violations)}`,
                ),
            }
          : {}),
      })
      const { stats } = result
      console.log(
        [
          `model: ${result.numRuns} sequences (seed ${result.seed}) in ${(result.ms / 1000).toFixed(1)} s${result.interrupted ? ' (interrupted by the time limit)' : ''}`,
          `  ${stats.commands} commands, ${stats.authCalls} auth calls, ${stats.hungCalls} hung calls, ${stats.abortedRequests} aborted requests, ${stats.logoutsDuringObtain} logouts during an obtain`,
          `  violations seen (all sequences, shrinking included): ${JSON.stringify(stats.violations)}`,
          ...Object.entries(stats.catalogue)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([, found]) => `  · [${found.invariant}] ${found.message}\n      after ${JSON.stringify(found.config)} ${found.commands.join(' → ')}`),
        ].join('\n'),
      )
      if (result.interrupted && !result.failed) {
        throw new Error(`only ${result.numRuns} of ${runs} sequences ran within the time limit (${timeLimitMs} ms, MODEL_TIME_LIMIT_MS): the run is incomplete`)
      }
      if (result.failed) {
        const broken = (Object.keys(stats.violations) as InvariantName[]).filter((name) => enforce.has(name))
        throw new Error(
          `${result.report}\n\nInvariants:\n${broken.map((name) => `  ${name}: ${INVARIANTS[name]}`).join('\n') || '  (the run failed outside an invariant: see the error above)'}`,
        )
      }
      expect(result.numRuns).toBeGreaterThan(0)
    },
    timeLimitMs + 60_000,
  )
})
