// Axiom (@authmux/password-login): email + password (sent as Axiom's PBKDF2 hash), an emailed one-time code, tokens
// in cookies. With a file store, the next start reuses the session: no login, no email.
//
//   node examples/axiom.mjs                                           local emulators (the code is known)
//   AXIOM_EMAIL=… AXIOM_PASSWORD=… node examples/axiom.mjs           the real service: type the emailed code
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { createAxiomAuth } from '@authmux/password-login'
import { createFileTokenStore } from '@authmux/store-file'
import { exampleEnv } from './lib/example-env.mjs'

const { env, close } = await exampleEnv('AXIOM_PASSWORD')

/** The emailed code: AXIOM_OTP_CODE when set (the emulators), else typed in. */
async function otp() {
  if (env.AXIOM_OTP_CODE) return env.AXIOM_OTP_CODE
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return (await rl.question('Code from the Axiom email: ')).trim()
  } finally {
    rl.close()
  }
}

// A throw-away store directory for the example; a bot uses createFileTokenStore() (~/.authmux, encrypted).
const dir = mkdtempSync(join(tmpdir(), 'authmux-axiom-example-'))
const options = { email: env.AXIOM_EMAIL, password: env.AXIOM_PASSWORD, otp, baseURL: env.AXIOM_BASE_URL, env: false }
const first = createAxiomAuth({ ...options, store: createFileTokenStore({ dir }) })
const second = createAxiomAuth({ ...options, store: createFileTokenStore({ dir }) })

try {
  const me = await first.fetch('/user/info') // password + code → cookies, then the request with them
  console.log(`logged in as ${me.email}, state ${first.status().state}`)

  // A second instance (another process, a restart) on the same store: the saved session, no login, no code.
  let logins = 0
  second.on('login', ({ source }) => source === 'acquire' && logins++)
  console.log(`saved session found: ${await second.hasSavedTokens()}`)
  const again = await second.fetch('/user/info')
  console.log(`second instance as ${again.email} with ${logins} new logins`)
  console.log('axiom example: done')
} finally {
  first.dispose()
  second.dispose()
  rmSync(dir, { recursive: true, force: true })
  await close()
}
