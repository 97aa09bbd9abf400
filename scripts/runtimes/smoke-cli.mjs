// Runs the smoke suite in this runtime (Node, Bun, Deno) and prints one line `SMOKE_RESULTS <json>`.
// Argument: the path of a JSON file with the emulators' URLs and credentials (written by scripts/gates/runtimes.mjs).
// Deno runs it with --allow-net --allow-read only: no environment access, as many deployments run.
import { readFile } from 'node:fs/promises'
import { runSmoke } from './smoke.mjs'

const runtime = globalThis.Deno
  ? { name: 'deno', version: globalThis.Deno.version.deno }
  : globalThis.Bun
    ? { name: 'bun', version: globalThis.Bun.version }
    : { name: 'node', version: globalThis.process.versions.node }

const configPath = globalThis.Deno ? globalThis.Deno.args[0] : globalThis.process.argv[2]
const results = await runSmoke(JSON.parse(await readFile(configPath, 'utf8')))
console.log(`SMOKE_RESULTS ${JSON.stringify({ runtime, results })}`)
// Keep-alive sockets of the runtime's fetch must not hold the process open.
globalThis.process.exit(0)
