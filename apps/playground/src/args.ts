import { parseArgs } from 'node:util'

/** Command-line options of the playground. */
export interface PlaygroundArgs {
  /** Print one JSON report on stdout instead of the table. */
  json: boolean
  /** Run against the real services with credentials from the environment / `.env`. */
  live: boolean
  /** Plain lines even on a TTY. */
  plain: boolean
  /** Directory of the encrypted token store; default a temporary directory (emulators) or the store default (live). */
  storeDir?: string
  /** `.env` file to read in `--live` mode; default `.env` in the directory `pnpm start` was run from. */
  envFile?: string
  /** Probe requests per provider in `--live` mode. */
  requests: number
  help: boolean
}

export const USAGE = `Usage: pnpm start [-- options]

Runs one bot that composes the five authmux presets (Axiom, AionMarket, ProjectX, TradeReady, Apala) over one
encrypted file store. By default it starts the testkit emulators in-process and plays a scripted scenario.

Options:
  --json             print one JSON report on stdout (no table)
  --plain            plain lines even on a terminal (also: NO_COLOR, CI, or stdout not a TTY)
  --store-dir <dir>  keep the encrypted token store in <dir> (default: a temporary directory)
  --live             run against the real services with credentials from the environment or a .env file
  --dotenv <path>    .env file for --live (default: ./.env where the command was run)
  --requests <n>     probe requests per provider in --live mode (default 3)
  -h, --help         show this help
`

export function parsePlaygroundArgs(argv: string[]): PlaygroundArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      plain: { type: 'boolean', default: false },
      'store-dir': { type: 'string' },
      dotenv: { type: 'string' },
      requests: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  })
  const requests = values.requests === undefined ? 3 : Number(values.requests)
  if (!Number.isInteger(requests) || requests < 1 || requests > 100) {
    throw new Error('playground: --requests must be a whole number from 1 to 100.')
  }
  return {
    json: values.json ?? false,
    live: values.live ?? false,
    plain: values.plain ?? false,
    ...(values['store-dir'] !== undefined ? { storeDir: values['store-dir'] } : {}),
    ...(values['dotenv'] !== undefined ? { envFile: values['dotenv'] } : {}),
    requests,
    help: values.help ?? false,
  }
}
