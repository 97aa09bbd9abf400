import { type ChildProcess, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

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
  /** Freezes the process (SIGSTOP) / lets it run again (SIGCONT): a server that stops answering without closing. */
  pause(): void
  resume(): void
}

/** Every server a test process started, killed when it exits whatever happens (a crashed test leaves none behind). */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

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

/** Whether a server answers PING on `port`. */
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

/**
 * Spawns `redis-server` with `args` (after the port) in the foreground, waiting until it answers PING; `kill()` /
 * `stop()` SIGKILL it, `start()` starts it again with the same arguments.
 */
export async function spawnRedis(port: number, args: string[] = [], options: { cwd?: string; sentinel?: string } = {}): Promise<TestRedis> {
  let child: ChildProcess | undefined
  const argv = options.sentinel
    ? [options.sentinel, '--sentinel', '--port', String(port)]
    : ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...args]
  const start = async () => {
    const spawned = spawn('redis-server', argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd })
    child = spawned
    running.add(spawned)
    spawned.once('exit', () => running.delete(spawned))
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
    const target = child
    child = undefined
    if (!target || target.exitCode !== null || target.signalCode !== null) return
    await new Promise<void>((resolve) => {
      target.once('exit', () => resolve())
      target.kill('SIGCONT')
      target.kill('SIGKILL')
    })
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    stop: kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  }
}

/** A redis-server on a free loopback port (a few attempts, in case a port is taken in between). */
export async function startTestRedis(args: string[] = [], options: { cwd?: string; sentinel?: string } = {}): Promise<TestRedis> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnRedis(await freePort(), args, options)
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}
