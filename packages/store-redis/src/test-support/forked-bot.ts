import { type ChildProcess, fork } from 'node:child_process'
import { defer } from './helpers'

/** A bot process forked by a test, talking over IPC (`{ type }` messages from it, commands to it). */
export interface ForkedBot {
  readonly child: ChildProcess
  /** Resolves with the bot's next message of `type`; rejects if the bot exits first (with its stderr). */
  next<T>(type: string): Promise<T>
}

/**
 * Forks `script` with only `env` (and nothing on stdout), kills it when the test ends, and waits for its `ready`
 * message before resolving.
 */
export async function forkBot(script: string, env: Record<string, string>): Promise<ForkedBot> {
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== type) return
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(message as T)
      }
      const onExit = (code: number | null, signal: string | null) => {
        child.off('message', onMessage)
        reject(new Error(`${script} exited (${code ?? signal}) before '${type}': ${stderr}`))
      }
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  await next('ready')
  return { child, next }
}
