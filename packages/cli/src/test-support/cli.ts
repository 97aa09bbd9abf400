import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFileTokenStore } from '@authmux/store-file'
import type { TokenSet } from '@authmux/core'
import { type Emulators, startEmulators } from '@authmux/testkit'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { run } from '../run'

/** The built bin, as users run it. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Lines written to stdin up front (stdin is then closed unless `feed` is given). */
  lines?: string[]
  /** Writes more to stdin while the CLI runs (e.g. the emailed code); must end stdin. */
  feed?: (child: ChildProcessWithoutNullStreams) => Promise<void>
  /** Extra environment variables (the child gets a minimal environment: PATH and a throwaway HOME). */
  env?: Record<string, string>
}

/** A sandbox: a throwaway store directory and HOME, and a runner that records every output for the canary check. */
export class CliSandbox {
  readonly outputs: { args: string[]; text: string; revealed: boolean }[] = []
  private constructor(
    readonly dir: string,
    readonly home: string,
  ) {}

  static async create(): Promise<CliSandbox> {
    const base = await mkdtemp(join(tmpdir(), 'authmux-cli-test-'))
    return new CliSandbox(join(base, 'store'), join(base, 'home'))
  }

  /** Spawns `node dist/bin.js <args> --store-dir <dir>` without a TTY and resolves with its exit code and output. */
  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    const fullArgs = [...args, '--store-dir', this.dir]
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...fullArgs], {
        env: { PATH: process.env.PATH ?? '', HOME: this.home, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      child.on('error', reject)
      child.stdin.on('error', () => {})
      for (const line of options.lines ?? []) child.stdin.write(`${line}\n`)
      if (options.feed) options.feed(child).catch(reject)
      else child.stdin.end()
      child.on('close', (code) => {
        this.outputs.push({ args: fullArgs, text: stdout + stderr, revealed: args.includes('--reveal') })
        resolve({ code, stdout, stderr })
      })
    })
  }

  /**
   * Runs the CLI in this process (`run(argv, io)`) with `--store-dir <dir>`, stdin not a terminal (the `lines`, then
   * the end), and only `env` as the environment — what the coverage of the CLI's own code is measured on.
   */
  async call(
    args: string[],
    options: { lines?: string[]; feed?: (stdin: PassThrough) => Promise<void>; env?: Record<string, string>; now?: () => number } = {},
  ): Promise<CliResult & { code: number }> {
    const fullArgs = [...args, '--store-dir', this.dir]
    const stdin = new PassThrough()
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    let out = ''
    let err = ''
    stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    for (const line of options.lines ?? []) stdin.write(`${line}\n`)
    if (options.feed) void options.feed(stdin).finally(() => stdin.end())
    else stdin.end()
    const code = await run(fullArgs, { stdin, stdout, stderr, env: { HOME: this.home, ...options.env }, now: options.now ?? Date.now })
    this.outputs.push({ args: fullArgs, text: out + err, revealed: args.includes('--reveal') })
    return { code, stdout: out, stderr: err }
  }

  /** The sessions in the CLI's index file. */
  async index(): Promise<{ provider: string; label: string; storeKey: string; keySaved: boolean; baseURL?: string }[]> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'cli-sessions.json'), 'utf8')).sessions
    } catch {
      return []
    }
  }

  /** Every token set the CLI stored (read back with the same store dir and key file), for canary checks. */
  async storedTokens(): Promise<TokenSet[]> {
    const store = createFileTokenStore({ dir: this.dir, env: {} })
    const sets: TokenSet[] = []
    for (const entry of await this.index()) {
      const tokens = await store.get(entry.storeKey)
      if (tokens) sets.push(tokens)
    }
    return sets
  }

  /** Outputs (except `--reveal` runs) that contain any of `secrets`. */
  leaks(secrets: (string | undefined)[]): { args: string[]; secret: string }[] {
    const found: { args: string[]; secret: string }[] = []
    for (const output of this.outputs) {
      if (output.revealed) continue
      for (const secret of secrets) if (secret && output.text.includes(secret)) found.push({ args: output.args, secret: `${secret.slice(0, 3)}…` })
    }
    return found
  }

  async dispose(): Promise<void> {
    await rm(join(this.dir, '..'), { recursive: true, force: true })
  }
}

/** The e2e setup every CLI test file shares: one set of emulators per file, a fresh CLI sandbox per test. */
export function useCliE2E(): { readonly emu: Emulators; readonly box: CliSandbox } {
  const env = {} as { emu: Emulators; box: CliSandbox }
  beforeAll(async () => {
    env.emu = await startEmulators()
  })
  afterAll(async () => {
    await env.emu.close()
  })
  beforeEach(async () => {
    env.box = await CliSandbox.create()
    env.emu.stats.reset()
    return () => env.box.dispose()
  })
  return env
}
