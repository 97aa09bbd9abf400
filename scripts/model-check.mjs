#!/usr/bin/env node
// The long run of the session lifecycle model (packages/core/src/lifecycle.model.test.ts), nightly style:
//
//   node scripts/model-check.mjs --runs 10000                 thousands of sequences, split over --jobs processes
//   node scripts/model-check.mjs --seed 123 --path "4:1:0"    replay a failure (seed and path are printed with it)
//   node scripts/model-check.mjs --only logout-sticks,single-flight --runs 2000
//   node scripts/model-check.mjs --only none --runs 2000      enforce nothing: only list what is seen (a catalogue)
//
// Options: --runs N (default 10000), --jobs N (parallel vitest processes, each with its own seed; default: the CPU
// count, at most 4; a replay always runs one), --seed N, --path P, --replay-path P (the commands' replayPath from a
// counterexample), --only a,b (invariants to enforce; the others are still recorded and listed), --max-commands N,
// --time-limit-ms N. It runs the same vitest test as CI with MODEL_* environment variables, prints the wall time and
// exits non-zero on a failure. The CI size lives in the test file (MODEL_CI_RUNS).
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const flags = {
  '--runs': 'MODEL_RUNS',
  '--seed': 'MODEL_SEED',
  '--path': 'MODEL_PATH',
  '--replay-path': 'MODEL_REPLAY_PATH',
  '--only': 'MODEL_INVARIANTS',
  '--max-commands': 'MODEL_MAX_COMMANDS',
  '--time-limit-ms': 'MODEL_TIME_LIMIT_MS',
  '--jobs': 'JOBS',
}
const usage =
  'usage: node scripts/model-check.mjs [--runs N] [--jobs N] [--seed N --path P [--replay-path P]] [--only inv1,inv2|none] [--max-commands N] [--time-limit-ms N]'

const env = { ...process.env, MODEL_PROGRESS: process.env.MODEL_PROGRESS ?? '500' }
const args = process.argv.slice(2)
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s)
  if (flag === '--help' || flag === '-h') {
    console.log(usage)
    process.exit(0)
  }
  const name = flags[flag]
  const value = inline ?? args[++i]
  if (!name || value === undefined) {
    console.error(`model-check: unknown option or missing value: ${args[i] ?? flag}\n${usage}`)
    process.exit(2)
  }
  env[name] = value
}
const runs = Number(env.MODEL_RUNS ?? 10_000)
const replay = env.MODEL_SEED !== undefined && env.MODEL_PATH !== undefined
const jobs = replay ? 1 : Math.max(1, Math.min(runs, Number(env.JOBS ?? Math.min(4, availableParallelism()))))
delete env.JOBS
const baseSeed = Number(env.MODEL_SEED ?? Math.floor(Math.random() * 2 ** 31))

const started = Date.now()
console.log(`model-check: ${runs} sequences in ${jobs} job(s)${replay ? ' (replay)' : `, seeds ${baseSeed}…${baseSeed + jobs - 1}`}`)

/** One vitest process running `share` sequences from `seed`; its output is prefixed with the job number. */
function job(index, share, seed) {
  return new Promise((resolve) => {
    const childEnv = { ...env, MODEL_RUNS: String(share), MODEL_SEED: String(seed) }
    const child = spawn('pnpm', ['exec', 'vitest', 'run', '--project', 'core', 'src/lifecycle.model.test.ts'], { cwd: root, env: childEnv })
    const prefix = jobs > 1 ? `[job ${index + 1}] ` : ''
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = ''
      stream.on('data', (chunk) => {
        buffered += chunk
        const lines = buffered.split('\n')
        buffered = lines.pop()
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`)
      })
      stream.on('end', () => buffered && process.stdout.write(`${prefix}${buffered}\n`))
    }
    child.on('close', (code) => resolve(code ?? 1))
  })
}

const shares = Array.from({ length: jobs }, (_, i) => Math.floor(runs / jobs) + (i < runs % jobs ? 1 : 0))
const codes = await Promise.all(shares.map((share, i) => job(i, share, baseSeed + i)))
const failed = codes.filter((code) => code !== 0).length
const seconds = ((Date.now() - started) / 1000).toFixed(1)
console.log(
  `model-check: ${runs} sequences in ${jobs} job(s): ${failed ? `FAILED (${failed} job(s))` : 'passed'} in ${seconds} s wall time (vitest start-up included)`,
)
process.exit(failed ? 1 : 0)
