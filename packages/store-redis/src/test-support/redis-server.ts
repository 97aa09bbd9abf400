import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, connect } from 'node:net'

/** A redis-server started by a test on a free loopback port, without persistence. */
export interface TestRedis {
  port: number
  url: string
  /** Kills the server (SIGKILL: a crash, nothing saved). */
  kill(): Promise<void>
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>
  /** Stops it for good. */
  stop(): Promise<void>
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/** Spawns `redis-server` in the foreground (killed by `stop()` / `kill()`), waiting until it answers PING. */
export async function startTestRedis(): Promise<TestRedis> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort())
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}

async function startOn(port: number): Promise<TestRedis> {
  let child: ChildProcess | undefined
  const start = async () => {
    const spawned = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child = spawned
    let failure: Error | undefined
    spawned.once('error', (error) => {
      failure = new Error(
        `@authmux/store-redis tests: cannot start redis-server (${error.message}) — install it: apt-get install redis-server / brew install redis.`,
      )
    })
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (failure) throw failure
      // Exited (e.g. the port was taken meanwhile): never talk to someone else's server on that port.
      if (spawned.exitCode !== null || spawned.signalCode !== null) throw new Error(`@authmux/store-redis tests: redis-server exited at start on port ${port}.`)
      if (await ping(port)) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`@authmux/store-redis tests: redis-server did not answer on port ${port} within 10 s.`)
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }
  await start()
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill }
}
