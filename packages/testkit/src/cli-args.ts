import { ConfigError } from '@authmux/core'

/** The development seed: credentials that stay the same on every start and every machine. */
export const DEV_SEED = 'authmux-dev'

export const USAGE = `Usage: authmux-emulators [--port-base N] [--host HOST] [--seed TEXT | --random] [--axiom-otp-code NNNNNN] [--env | --json]

Starts the five authmux provider emulators on fixed ports N+1 … N+5 (axiom, aionmarket, projectx, tradeready,
apala; default N = 4100 → 4101 … 4105), prints their URLs and credentials, and runs until Ctrl-C (SIGINT/SIGTERM).

Credentials are stable development values by default: the same on every start and every machine.
  --seed TEXT           other reproducible credentials, derived from TEXT
  --random              fresh random credentials on every start
Output (stdout):
  (default)             a table of URLs and credentials
  --env                 export lines with the variables the presets read (TRADEREADY_API_KEY …), for a .env file
  --json                one JSON document { urls, streamUrls, credentials, seed }
Axiom's one-time codes go to an inbox inside this process, which another process can't read:
  --axiom-otp-code NNNNNN   every emailed code is this value (then: authmux login axiom --otp NNNNNN)`

/** What the command line asks for. */
export interface CliArgs {
  portBase: number
  host?: string
  otpCode?: string
  /** The credential seed; undefined with --random. */
  seed: string | undefined
  output: 'table' | 'env' | 'json'
  help: boolean
}

const usageError = (message: string, field: string) => new ConfigError(`@authmux/testkit: ${message}\n\n${USAGE}`, { field })

/** Parses `authmux-emulators` arguments; a bad one is a `ConfigError` naming it, with the usage. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { portBase: 4100, seed: DEV_SEED, output: 'table', help: false }
  let seedGiven = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.indexOf('=')
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i]
    if (flag === '--port-base') {
      const n = Number(value())
      if (!Number.isInteger(n) || n < 0 || n > 65_530)
        throw usageError('--port-base must be an integer between 0 and 65530 (ports N+1 … N+5 are used).', '--port-base')
      args.portBase = n
    } else if (flag === '--host') {
      const host = value()
      if (!host) throw usageError('--host needs a value, e.g. --host 0.0.0.0.', '--host')
      args.host = host
    } else if (flag === '--axiom-otp-code') {
      const code = value()
      if (!code || !/^\d{6}$/.test(code)) throw usageError('--axiom-otp-code must be 6 digits, e.g. 123456.', '--axiom-otp-code')
      args.otpCode = code
    } else if (flag === '--seed') {
      const seed = value()
      if (!seed) throw usageError('--seed needs a value, e.g. --seed ci-42.', '--seed')
      args.seed = seed
      seedGiven = true
    } else if (flag === '--random') {
      args.seed = undefined
    } else if (flag === '--env' || flag === '--json') {
      if (args.output !== 'table') throw usageError('--env and --json: pick one.', flag)
      args.output = flag === '--env' ? 'env' : 'json'
    } else if (flag === '--help' || flag === '-h') {
      args.help = true
    } else {
      throw usageError(`unknown argument ${JSON.stringify(flag)}.`, String(flag))
    }
  }
  if (seedGiven && args.seed === undefined) throw usageError('--seed and --random: pick one.', '--seed')
  return args
}
