// ProjectX / TopstepX (@authmux/key-secret-jwt): user name + API key exchanged for a 24 h JWT, revalidated through
// /Auth/validate five minutes before it expires.
//
//   node examples/projectx.mjs                                                local emulators
//   PROJECT_X_USERNAME=… PROJECT_X_API_KEY=… node examples/projectx.mjs      the real Gateway (PROJECTX_API_URL)
import { createProjectXAuth } from '@authmux/key-secret-jwt'
import { exampleEnv } from './lib/example-env.mjs'

const { env, close } = await exampleEnv('PROJECT_X_API_KEY')
const projectx = createProjectXAuth({
  username: env.PROJECT_X_USERNAME,
  apiKey: env.PROJECT_X_API_KEY,
  accountName: env.PROJECT_X_ACCOUNT_NAME, // optional: else the first active account
  baseURL: env.PROJECTX_API_URL, // undefined: https://api.topstepx.com/api
})

try {
  const account = await projectx.account() // logs in, then POST /Account/search once
  console.log(`account ${account.name} (${account.id}), can trade: ${account.canTrade}`)

  const { accounts } = await projectx.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
  console.log(`active accounts: ${accounts.length}`)

  await projectx.ensureValid() // logs in or revalidates only when needed
  const before = projectx.expiresAt
  await projectx.refresh() // POST /Auth/validate → newToken
  console.log(`revalidated: expiry moved ${projectx.expiresAt >= before ? 'forward' : 'back'}, state ${projectx.status().state}`)

  await projectx.logout() // POST /Auth/logout
  console.log(`after logout: ${projectx.status().state}`)
  console.log('projectx example: done')
} finally {
  // The background timer is stopped by dispose(). (`await using projectx = …` does the same where the runtime
  // supports explicit resource management; Node 20 does not parse it.)
  projectx.dispose()
  await close()
}
