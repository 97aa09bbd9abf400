import { ConfigError } from '@authmux/core'
import { startEmulators } from './emulators.js'

const USAGE = `Usage: authmux-emulators [--port-base N] [--host HOST] [--axiom-otp-code NNNNNN]

Starts the five authmux provider emulators on fixed ports N+1 … N+5
(axiom, aionmarket, projectx, tradeready, apala; default N = 4100 → 4101 … 4105),
prints one JSON line { urls, streamUrls, credentials } to stdout and runs until SIGINT/SIGTERM.
Axiom sends its one-time codes to an in-process inbox; to log in to the Axiom emulator from
another process, pass --axiom-otp-code NNNNNN and every code will be that value.`

interface CliArgs {
  portBase: number
  host?: string
  otpCode?: string
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { portBase: 4100 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg?.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i]
    if (flag === '--port-base') {
      const n = Number(value())
      if (!Number.isInteger(n) || n < 0 || n > 65_530) {
        throw new ConfigError('@authmux/testkit: --port-base must be an integer between 0 and 65530 (ports N+1 … N+5 are used).', { field: '--port-base' })
      }
      args.portBase = n
    } else if (flag === '--host') {
      const host = value()
      if (host) args.host = host
    } else if (flag === '--axiom-otp-code') {
      const code = value()
      if (!code || !/^\d{6}$/.test(code))
        throw new ConfigError('@authmux/testkit: --axiom-otp-code must be 6 digits, e.g. 123456.', { field: '--axiom-otp-code' })
      args.otpCode = code
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`)
      process.exit(0)
    } else {
      throw new ConfigError(`@authmux/testkit: unknown argument ${JSON.stringify(flag)}.\n${USAGE}`, { field: String(flag) })
    }
  }
  return args
}

async function main(): Promise<void> {
  const { portBase, host, otpCode } = parseArgs(process.argv.slice(2))
  const emulators = await startEmulators({ portBase, ...(host ? { host } : {}), ...(otpCode ? { axiom: { fixedOtpCode: otpCode } } : {}) })
  process.stdout.write(`${JSON.stringify({ urls: emulators.urls, streamUrls: emulators.streamUrls, credentials: emulators.credentials })}\n`)
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
