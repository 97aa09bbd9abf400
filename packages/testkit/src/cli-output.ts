import type { EmulatorCredentials, EmulatorStreamUrls, EmulatorUrls } from './emulators.js'

/** What the CLI prints about the running emulators. */
export interface RunningEmulators {
  urls: EmulatorUrls
  streamUrls: EmulatorStreamUrls
  credentials: EmulatorCredentials
}

/** Options that change what is printed. */
export interface PrintOptions {
  seed: string | undefined
  otpCode?: string
  /** The default development seed (so the table can call it "stable development values"). */
  devSeed: string
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

/** Provider, base URL, and each credential a person types — in the variables the presets read. */
function rows(emu: RunningEmulators): { provider: string; url: string; values: [label: string, env: string, value: string][] }[] {
  const c = emu.credentials
  return [
    {
      provider: 'axiom',
      url: emu.urls.axiom,
      values: [
        ['email', 'AXIOM_EMAIL', c.axiom.email],
        ['password', 'AXIOM_PASSWORD', c.axiom.password],
      ],
    },
    { provider: 'aionmarket', url: emu.urls.aionmarket, values: [['apiKey', 'AIONMARKET_API_KEY', c.aionmarket.apiKey]] },
    {
      provider: 'projectx',
      url: emu.urls.projectx,
      values: [
        ['userName', 'PROJECT_X_USERNAME', c.projectx.userName],
        ['apiKey', 'PROJECT_X_API_KEY', c.projectx.apiKey],
      ],
    },
    {
      provider: 'tradeready',
      url: emu.urls.tradeready,
      values: [
        ['apiKey', 'TRADEREADY_API_KEY', c.tradeready.apiKey],
        ['apiSecret', 'TRADEREADY_API_SECRET', c.tradeready.apiSecret],
      ],
    },
    { provider: 'apala', url: emu.urls.apala, values: [['apiKey', 'APALA_API_KEY', c.apala.apiKey]] },
  ]
}

/** Base URL variable per provider (the presets' own; Axiom's is the playground's and the examples'). */
const URL_ENV: Record<string, string> = {
  axiom: 'AXIOM_BASE_URL',
  aionmarket: 'AIONMARKET_BASE_URL',
  projectx: 'PROJECTX_API_URL',
  tradeready: 'TRADEREADY_API_URL',
  apala: 'APALA_BASE_URL',
}

/** The readable table (the default output). */
export function formatTable(emu: RunningEmulators, options: PrintOptions): string {
  const all = rows(emu)
  const urlWidth = Math.max(...all.map((r) => r.url.length), 'base URL'.length)
  const lines = [`${'provider'.padEnd(12)}${'base URL'.padEnd(urlWidth + 2)}${'credential'.padEnd(12)}value`]
  for (const row of all) {
    row.values.forEach(([label, , value], i) => {
      lines.push(`${(i === 0 ? row.provider : '').padEnd(12)}${(i === 0 ? row.url : '').padEnd(urlWidth + 2)}${label.padEnd(12)}${value}`)
    })
  }
  return [`authmux-emulators: five providers on ${new URL(emu.urls.axiom).hostname} — Ctrl-C stops them`, '', ...lines, '', ...notes(options)].join('\n')
}

/** Export lines for a shell or a `.env` file: base URLs and credentials in the variables the presets read. */
export function formatEnv(emu: RunningEmulators, options: PrintOptions): string {
  const lines: string[] = []
  for (const row of rows(emu)) {
    lines.push(`export ${URL_ENV[row.provider]}=${quote(row.url)}`)
    for (const [, name, value] of row.values) lines.push(`export ${name}=${quote(value)}`)
  }
  if (options.otpCode) lines.push(`export AXIOM_OTP_CODE=${quote(options.otpCode)}`)
  return lines.join('\n')
}

/** One JSON document. */
export function formatJson(emu: RunningEmulators, options: PrintOptions): string {
  return JSON.stringify({ urls: emu.urls, streamUrls: emu.streamUrls, credentials: emu.credentials, seed: options.seed ?? null })
}

/** What the credentials are and how Axiom's one-time codes reach another process. */
export function notes(options: PrintOptions): string[] {
  const credentials =
    options.seed === undefined
      ? 'Credentials: random, new on every start (--random).'
      : options.seed === options.devSeed
        ? 'Credentials: stable development values — the same on every start and every machine (--seed TEXT for another set, --random for fresh ones).'
        : `Credentials: derived from --seed ${JSON.stringify(options.seed)} — the same on every start with that seed.`
  const otp = options.otpCode
    ? `Axiom one-time codes: every emailed code is ${options.otpCode} (authmux login axiom --otp ${options.otpCode}).`
    : 'Axiom one-time codes go to an inbox inside this process: to log in from another one, restart with --axiom-otp-code 123456 and every code is 123456.'
  return [credentials, otp, '--env prints export lines (the variables the presets read), --json one JSON document.']
}
