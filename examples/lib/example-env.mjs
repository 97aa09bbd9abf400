// Where the examples get their base URLs and credentials: the environment when it names them (a real service, or
// emulators started elsewhere, as scripts/gates/examples.mjs does), else local emulators started in this process.
import { startEmulators } from '@authmux/testkit'

/** The one-time code the in-process Axiom emulator sends, so the Axiom example needs no mailbox. */
const DEMO_OTP_CODE = '246810'

/**
 * The environment variables each example reads, filled from running emulators: the presets' own variables
 * (`TRADEREADY_API_KEY`, `APALA_BASE_URL` …) plus `AXIOM_BASE_URL` and `AXIOM_OTP_CODE`, which only the examples read.
 */
function emulatorEnv(emulators, otpCode = DEMO_OTP_CODE) {
  const { urls, credentials: c } = emulators
  return {
    AIONMARKET_BASE_URL: urls.aionmarket,
    AIONMARKET_API_KEY: c.aionmarket.apiKey,
    TRADEREADY_API_URL: urls.tradeready,
    TRADEREADY_API_KEY: c.tradeready.apiKey,
    TRADEREADY_API_SECRET: c.tradeready.apiSecret,
    PROJECTX_API_URL: urls.projectx,
    PROJECT_X_USERNAME: c.projectx.userName,
    PROJECT_X_API_KEY: c.projectx.apiKey,
    PROJECT_X_ACCOUNT_NAME: c.projectx.accountName,
    APALA_BASE_URL: urls.apala,
    APALA_API_KEY: c.apala.apiKey,
    AXIOM_BASE_URL: urls.axiom,
    AXIOM_EMAIL: c.axiom.email,
    AXIOM_PASSWORD: c.axiom.password,
    AXIOM_OTP_CODE: otpCode,
  }
}

/**
 * Starts the five emulators in this process (random loopback ports; the Axiom emulator sends `AXIOM_OTP_CODE` as
 * every one-time code) and returns them with the variables the examples read.
 */
export async function startExampleEmulators() {
  const emulators = await startEmulators({ axiom: { fixedOtpCode: DEMO_OTP_CODE } })
  return { emulators, env: emulatorEnv(emulators) }
}

/**
 * `process.env` when one of `variables` (a name or a list) is set in it; otherwise emulators started in this process
 * and their variables over `process.env`. Call `close()` when done.
 */
export async function exampleEnv(variables) {
  const names = [variables].flat()
  if (names.some((name) => process.env[name])) return { env: process.env, close: async () => {} }
  const { emulators, env } = await startExampleEmulators()
  console.error(`(${names.join(', ')} not set: talking to local emulators started by this example)`)
  return { env: { ...process.env, ...env }, close: () => emulators.close() }
}
