import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What one playground process produced. */
export interface PlaygroundRun {
  code: number | null
  stdout: string
  stderr: string
  /** Every secret the run handled, as the playground reported it on the canary pipe (fd 3). */
  secrets: string[]
  durationMs: number
}

const appDir = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Runs `src/main.ts` as a child process, the way `pnpm start` does after its build step: stdout and stderr are
 * pipes (not a TTY), CI is set, and fd 3 is the canary pipe.
 */
export function runPlayground(args: string[], options: { env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<PlaygroundRun> {
  const timeoutMs = options.timeoutMs ?? 50_000
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: appDir,
      env: { ...(options.env ?? process.env), CI: 'true', NO_COLOR: '1', AUTHMUX_PLAYGROUND_CANARY_FD: '3' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    })
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[], canary: [] as Buffer[] }
    child.stdout!.on('data', (c: Buffer) => chunks.stdout.push(c))
    child.stderr!.on('data', (c: Buffer) => chunks.stderr.push(c))
    ;(child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.canary.push(c))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`playground did not finish within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const canary = Buffer.concat(chunks.canary).toString('utf8')
      resolve({
        code,
        stdout: Buffer.concat(chunks.stdout).toString('utf8'),
        stderr: Buffer.concat(chunks.stderr).toString('utf8'),
        secrets: canary ? (JSON.parse(canary) as string[]) : [],
        durationMs: performance.now() - started,
      })
    })
  })
}

/** The secrets (or a short prefix of each) found in `text`. */
export function leakedSecrets(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 4)}… (${s.length} chars)`)
}
