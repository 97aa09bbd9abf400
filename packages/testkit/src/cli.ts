import { formatEnv, formatJson, formatTable, notes, type PrintOptions } from './cli-output.js'
import { DEV_SEED, parseCliArgs, USAGE } from './cli-args.js'
import { startEmulators } from './emulators.js'

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2))
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const emulators = await startEmulators({
    portBase: args.portBase,
    ...(args.host ? { host: args.host } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.otpCode ? { axiom: { fixedOtpCode: args.otpCode } } : {}),
  })
  const print: PrintOptions = { seed: args.seed, devSeed: DEV_SEED, ...(args.otpCode ? { otpCode: args.otpCode } : {}) }
  if (args.output === 'table') process.stdout.write(`${formatTable(emulators, print)}\n`)
  else {
    process.stdout.write(`${args.output === 'env' ? formatEnv(emulators, print) : formatJson(emulators, print)}\n`)
    process.stderr.write(`authmux-emulators: running — Ctrl-C stops them.\n${notes(print).join('\n')}\n`)
  }
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    void emulators.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
