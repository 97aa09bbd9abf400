import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, inject } from 'vitest'
import type { StoreError } from '@authmux/core'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A fresh private directory under the OS temp dir, removed after the test. Returns `<tmp>/store` (not created). */
export async function tempStoreDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'authmux-store-file-'))
  cleanups.push(() => rm(root, { recursive: true, force: true }))
  return join(root, 'store')
}

/** Starts a bundled child script (`writer` or `locker`) with piped stdio; it is SIGKILLed after the test if still running. */
export function spawnChild(script: 'writer' | 'locker', args: string[]): ChildProcess {
  const child = spawn(process.execPath, [join(inject('storeFileChildren'), `${script}.mjs`), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  })
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return child
}

/** Resolves when the child prints `line` on stdout; rejects if it exits first. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      if (buffer.split('\n').includes(line)) {
        child.stdout?.off('data', onData)
        child.off('exit', onExit)
        resolve()
      }
    }
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before printing ${line}: ${stderr}`))
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** Resolves with the exit code (or signal) once the child has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  if (child.signalCode !== null) return Promise.resolve(child.signalCode)
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
}

/** Collects the errors a store reports. */
export function collectErrors(store: { on(event: 'error', listener: (error: StoreError) => void): () => void }): StoreError[] {
  const errors: StoreError[] = []
  store.on('error', (error) => errors.push(error))
  return errors
}
