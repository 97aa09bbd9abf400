// Issue 18, item 1: two accounts whose strategies share ONE token store (none passing a `storeKey`) never send each
// other's token — for every preset, on every store (memory, file, Redis). Real HTTP to the testkit emulators.
//
// Evidence, per request: a pass-through fetch per account records exactly which credentials left the process and
// tags the request with a non-secret header; the emulator's answer says which account it authenticated; its request
// log (which masks credential values) says, per tag, what it received, what it refused and how often each account
// logged in. The store keys must differ, contain no secret, and stay the same for the same credentials (a restarted
// strategy on the reopened store reuses the stored token instead of logging in again).
//
// The regression cases at the end are flows without an identity (the generic key-secret-jwt style without `identity`,
// the generic password-login style without an email, Axiom with imported browser tokens) and one where the identity
// is not enough (the same ProjectX user name at two firms): their store key fell back to one slot per provider.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { MemoryTokenStore, type Session, type TokenSet, type TokenStore } from '@authmux/core'
import { createKeySecretJwtAuth, createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createAxiomAuth, createPasswordLoginAuth } from '@authmux/password-login'
import { createFileTokenStore } from '@authmux/store-file'
import { type Emulators, type ProjectXEmulator, type RequestLogEntry, startEmulators, startProjectXEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisTokenStore, startTestRedis, type TestRedis, z } from './test-support/test-deps'

/** Non-secret header the recording fetch adds to every request, so the emulator's log says whose request it was. */
const TAG = 'x-two-accounts-test'

type Label = 'A' | 'B'
type StoreKind = 'memory' | 'file' | 'redis'
const STORES: StoreKind[] = ['memory', 'file', 'redis']

let emu: Emulators
let redis: TestRedis
/** A second ProjectX firm (its own origin and users), for the same user name at two firms. */
let firm2: ProjectXEmulator
let seq = 0

beforeAll(async () => {
  ;[emu, redis, firm2] = await Promise.all([
    // Many accounts log in here within a minute; the per-IP login quota is not what this file tests.
    startEmulators({ tradeready: { loginRateLimit: { limit: 1000, windowSeconds: 60 } } }),
    startTestRedis(),
    startProjectXEmulator(),
  ])
})
afterAll(async () => {
  await Promise.all([emu?.close(), redis?.stop(), firm2?.close()])
})

// ── what left the process ────────────────────────────────────────────────────────────────────────────────────────

interface Sent {
  method: string
  path: string
  /** Every credential value the request carried: the Authorization token, X-API-Key, each cookie value. */
  credentials: string[]
  /** The body when it was text (login calls carry credentials there). */
  body: string
}

/** A pass-through fetch that tags every request with `tag` and records what it carried. */
function recordingFetch(tag: string, sent: Sent[]): typeof globalThis.fetch {
  return (input, init) => {
    const headers = new Headers(input instanceof Request ? input.headers : undefined)
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value)
    headers.set(TAG, tag)
    const credentials: string[] = []
    const authorization = headers.get('authorization')
    if (authorization) credentials.push(authorization.replace(/^\S+\s+/, ''))
    const apiKey = headers.get('x-api-key')
    if (apiKey) credentials.push(apiKey)
    for (const cookie of (headers.get('cookie') ?? '').split(';')) {
      const value = cookie.slice(cookie.indexOf('=') + 1).trim()
      if (value) credentials.push(value)
    }
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    sent.push({ method, path: url.pathname, credentials, body: typeof init?.body === 'string' ? init.body : '' })
    return fetch(input, { ...init, headers })
  }
}

/** True when `text` contains `secret` or any 8-character piece of it. */
function containsSecret(text: string, secret: string): boolean {
  if (secret.length <= 8) return text.includes(secret)
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) return true
  return false
}

/** A claim of a JWT the emulator signed (and accepted). */
function jwtClaim(token: string | undefined, claim: string): unknown {
  const payload = token?.split('.')[1]
  return payload ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))[claim] : undefined
}

// ── accounts and flows ───────────────────────────────────────────────────────────────────────────────────────────

/** One account registered at an emulator. */
interface Account {
  /** What `whoami` must return for this account: the emulator's own view of who was authenticated. */
  id: string
  /** Its secrets (keys, secrets, passwords, imported tokens): never in a store key, never in the other's requests. */
  secrets: string[]
  /** A strategy for this account on `store`, sending through `fetch`. Never passes `storeKey`. */
  connect(store: TokenStore, fetch: typeof globalThis.fetch): Session
  /** The request log of the emulator this account lives on. */
  log(): RequestLogEntry[]
}

/** A preset (or generic style) under test. */
interface Flow {
  title: string
  /** Emulator path of the login call, expected exactly once per account; undefined when the flow never logs in. */
  loginPath?: string
  /** Two fresh, distinct accounts. */
  accounts(): Promise<[Account, Account]>
  /** Sends authenticated requests and returns the account the emulator says they were authenticated as. */
  whoami(strategy: Session, sent: Sent[]): Promise<string>
}

async function pair(make: (label: Label) => Account | Promise<Account>): Promise<[Account, Account]> {
  return [await make('A'), await make('B')]
}

const logOf = (provider: 'aionmarket' | 'tradeready' | 'projectx' | 'apala' | 'axiom') => () => emu.requests.list({ provider })

/** Fixed per label so the emulator's PBKDF2 of each password is computed once for the whole file. */
const AXIOM_PASSWORDS: Record<Label, string> = { A: `axA-${randomBytes(12).toString('base64url')}`, B: `axB-${randomBytes(12).toString('base64url')}` }

const aionmarket: Flow = {
  title: 'AionMarket (createAionMarketAuth)',
  accounts: () =>
    pair((label) => {
      const agent = emu.aionmarket.addAgent({ name: `two-accounts-${label}-${seq++}` })
      return {
        id: agent.agentId,
        secrets: [agent.apiKey],
        log: logOf('aionmarket'),
        connect: (store, fetch) => createAionMarketAuth({ apiKey: agent.apiKey, baseURL: emu.urls.aionmarket, store, fetch }),
      }
    }),
  async whoami(strategy) {
    return (await strategy.fetch<{ agentId: string }>('/agents/me')).agentId
  },
}

const tradeready: Flow = {
  title: 'TradeReady (createTradeReadyAuth)',
  loginPath: '/api/v1/auth/login',
  accounts: () =>
    pair((label) => {
      const account = emu.tradeready.addAccount({ displayName: `two-accounts-${label}-${seq++}` })
      return {
        id: `${account.accountId} ${account.agentId}`,
        secrets: [account.apiKey, account.apiSecret, account.agentApiKey],
        log: logOf('tradeready'),
        connect: (store, fetch) => createTradeReadyAuth({ apiKey: account.apiKey, apiSecret: account.apiSecret, baseURL: emu.urls.tradeready, store, fetch }),
      }
    }),
  async whoami(strategy) {
    // `/account/info` goes with the X-API-Key, `/agents` with the JWT from the store.
    const info = await strategy.fetch<{ account_id: string; authenticatedWith: string }>('/account/info')
    const agents = await strategy.fetch<{ agents: Array<{ agent_id: string }>; authenticatedWith: string }>('/agents')
    expect([info.authenticatedWith, agents.authenticatedWith]).toEqual(['x-api-key', 'bearer'])
    return `${info.account_id} ${agents.agents[0]?.agent_id}`
  },
}

/** A ProjectX user as an `Account` of the emulator at `baseURL`. */
function projectXAccount(user: { userName: string; apiKey: string; accountId: number }, baseURL: string, log: () => RequestLogEntry[]): Account {
  return {
    // Two firms number their accounts alike: the origin that answered is part of who it is.
    id: `${new URL(baseURL).origin} ${user.accountId}`,
    secrets: [user.apiKey],
    log,
    connect: (store, fetch) => createProjectXAuth({ username: user.userName, apiKey: user.apiKey, baseURL, store, fetch }),
  }
}

async function projectXWhoami(strategy: Session): Promise<string> {
  const found = await strategy.fetch<{ accounts: Array<{ id: number }> }>('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
  return `${new URL(strategy.baseURL).origin} ${found.accounts[0]?.id}`
}

const projectx: Flow = {
  title: 'ProjectX (createProjectXAuth)',
  loginPath: '/api/Auth/loginKey',
  accounts: () => pair((label) => projectXAccount(emu.projectx.addUser({ userName: `two-accounts-${label}-${seq++}` }), emu.urls.projectx, logOf('projectx'))),
  whoami: projectXWhoami,
}

const apala: Flow = {
  title: 'Apala (createApalaAuth)',
  loginPath: '/api/auth/token',
  accounts: () =>
    pair((label) => {
      const key = emu.apala.addKey({ companyId: randomUUID(), companyName: `Two Accounts ${label}` })
      return {
        id: key.companyId,
        secrets: [key.apiKey],
        log: logOf('apala'),
        connect: (store, fetch) => createApalaAuth({ apiKey: key.apiKey, baseURL: emu.urls.apala, store, fetch }),
      }
    }),
  async whoami(strategy, sent) {
    await strategy.fetch('/api/message_optimizer', { method: 'POST', body: { message: 'Payment due Friday', channel: 'SMS' } })
    // Apala's answer does not name the company: the emulator accepted the token it signed, whose claim does.
    const request = [...sent].reverse().find((r) => r.path === '/api/message_optimizer')
    return String(jwtClaim(request?.credentials[0], 'company_id'))
  },
}

async function axiomWhoami(strategy: Session): Promise<string> {
  return (await strategy.fetch<{ userId: string }>('/user/info')).userId
}

const axiom: Flow = {
  title: 'Axiom (createAxiomAuth)',
  loginPath: '/login-password-v2',
  accounts: () =>
    pair(async (label) => {
      const email = `two-accounts-${label.toLowerCase()}-${seq++}@axiom.test`
      const account = await emu.axiom.addAccount({ email, password: AXIOM_PASSWORDS[label] })
      return {
        id: account.userId,
        secrets: [account.password, account.b64Password],
        log: logOf('axiom'),
        connect: (store, fetch) =>
          createAxiomAuth({
            email,
            password: account.password,
            otp: async () => emu.inbox.latestCode(email) ?? '',
            baseURL: emu.urls.axiom,
            env: false,
            store,
            fetch,
          }),
      }
    }),
  whoami: axiomWhoami,
}

const PRESETS: Flow[] = [aionmarket, tradeready, projectx, apala, axiom]

// ── regression cases: no identity (or one that is not enough) ────────────────────────────────────────────────────

const genericJwt: Flow = {
  title: 'generic key-secret-jwt (createKeySecretJwtAuth) without `identity`',
  loginPath: '/api/v1/auth/login',
  accounts: () =>
    pair((label) => {
      const account = emu.tradeready.addAccount({ displayName: `generic-jwt-${label}-${seq++}` })
      return {
        id: account.accountId,
        secrets: [account.apiKey, account.apiSecret],
        log: logOf('tradeready'),
        connect: (store, fetch) =>
          createKeySecretJwtAuth({
            name: 'generic-jwt',
            baseURL: emu.urls.tradeready,
            loginPath: '/auth/login',
            loginBody: () => ({ api_key: account.apiKey, api_secret: account.apiSecret }),
            responseSchema: z.object({ token: z.string(), expires_at: z.string() }),
            tokenField: 'token',
            expiresAtField: 'expires_at',
            secrets: [account.apiKey, account.apiSecret],
            store,
            fetch,
          }),
      }
    }),
  async whoami(strategy) {
    const info = await strategy.fetch<{ account_id: string; authenticatedWith: string }>('/account/info')
    expect(info.authenticatedWith).toBe('bearer')
    return info.account_id
  },
}

/** A session of an Axiom account, as a user copies it from the browser (once per label for the whole file). */
const axiomSessions = new Map<Label, Promise<{ userId: string; tokens: TokenSet }>>()
function axiomSession(label: Label): Promise<{ userId: string; tokens: TokenSet }> {
  let session = axiomSessions.get(label)
  if (!session) {
    session = (async () => {
      const email = `browser-${label.toLowerCase()}@axiom.test`
      const account = await emu.axiom.addAccount({ email, password: AXIOM_PASSWORDS[label] })
      const store = new MemoryTokenStore()
      const browser = createAxiomAuth({
        email,
        password: account.password,
        otp: async () => emu.inbox.latestCode(email) ?? '',
        baseURL: emu.urls.axiom,
        env: false,
        store,
      })
      await browser.login()
      const stored = await store.get(await browser.storeKey())
      browser.dispose()
      if (!stored?.refreshToken) throw new Error(`no Axiom session for ${label}`)
      return { userId: account.userId, tokens: { accessToken: stored.accessToken, refreshToken: stored.refreshToken } }
    })()
    axiomSessions.set(label, session)
  }
  return session
}

const genericPasswordLogin: Flow = {
  title: 'generic password-login (createPasswordLoginAuth) without an email, imported session tokens',
  accounts: () =>
    pair(async (label) => {
      const { userId, tokens } = await axiomSession(label)
      return {
        id: userId,
        secrets: [tokens.accessToken, tokens.refreshToken!],
        log: logOf('axiom'),
        connect: (store, fetch) =>
          createPasswordLoginAuth({
            name: 'generic-login',
            baseURL: emu.urls.axiom,
            login: { url: '/login-password-v2' },
            tokens: { access: { cookies: ['auth-access-token'] }, refresh: { cookies: ['auth-refresh-token'] } },
            refresh: { url: '/refresh-access-token', send: { as: 'cookies', refresh: 'auth-refresh-token', access: 'auth-access-token' } },
            attach: { as: 'cookies', access: 'auth-access-token', refresh: 'auth-refresh-token' },
            initialTokens: tokens,
            store,
            fetch,
          }),
      }
    }),
  whoami: axiomWhoami,
}

const axiomImported: Flow = {
  title: 'Axiom (createAxiomAuth) with imported browser tokens, no email',
  accounts: () =>
    pair(async (label) => {
      const { userId, tokens } = await axiomSession(label)
      return {
        id: userId,
        secrets: [tokens.accessToken, tokens.refreshToken!],
        log: logOf('axiom'),
        connect: (store, fetch) =>
          createAxiomAuth({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, baseURL: emu.urls.axiom, env: false, store, fetch }),
      }
    }),
  whoami: axiomWhoami,
}

const projectXTwoFirms: Flow = {
  title: 'ProjectX (createProjectXAuth): the same user name at two firms, different API keys and origins',
  loginPath: '/api/Auth/loginKey',
  async accounts() {
    const userName = `same-name-${seq++}`
    return [
      projectXAccount(emu.projectx.addUser({ userName }), emu.urls.projectx, logOf('projectx')),
      projectXAccount(firm2.addUser({ userName }), firm2.url, () => firm2.requests.list()),
    ]
  },
  whoami: projectXWhoami,
}

const REGRESSIONS: Flow[] = [genericJwt, genericPasswordLogin, axiomImported, projectXTwoFirms]

// ── stores ───────────────────────────────────────────────────────────────────────────────────────────────────────

interface StoreUnderTest {
  store: TokenStore
  /** The same storage opened again, as a restarted process opens it (the memory store: the same instance). */
  reopen(): TokenStore
  close(): Promise<void>
}

async function openStore(kind: StoreKind): Promise<StoreUnderTest> {
  if (kind === 'memory') {
    const store = new MemoryTokenStore()
    return { store, reopen: () => store, close: async () => {} }
  }
  if (kind === 'file') {
    const dir = await mkdtemp(join(tmpdir(), 'authmux-two-accounts-'))
    const key = randomBytes(32)
    const open = () => createFileTokenStore({ dir, key, env: {} })
    return { store: open(), reopen: open, close: () => rm(dir, { recursive: true, force: true }) }
  }
  const key = randomBytes(32).toString('base64url')
  const prefix = `two-accounts-${randomUUID()}:`
  const opened: Array<{ close(): Promise<void> }> = []
  const open = () => {
    const store = createRedisTokenStore({ url: redis.url, key, prefix, env: {} })
    opened.push(store)
    return store
  }
  return {
    store: open(),
    reopen: open,
    close: async () => {
      await Promise.all(opened.map((store) => store.close()))
    },
  }
}

// ── the scenario ─────────────────────────────────────────────────────────────────────────────────────────────────

interface Participant {
  label: Label
  /** The value of the `TAG` header on every request of this account. */
  tag: string
  account: Account
  sent: Sent[]
  strategies: Session[]
  connect(store: TokenStore): Session
}

function participant(label: Label, account: Account, tag: string): Participant {
  const sent: Sent[] = []
  const fetch = recordingFetch(tag, sent)
  const strategies: Session[] = []
  return {
    label,
    tag,
    account,
    sent,
    strategies,
    connect(store) {
      const strategy = account.connect(store, fetch)
      strategies.push(strategy)
      return strategy
    },
  }
}

async function twoAccountsOneStore(flow: Flow, kind: StoreKind): Promise<void> {
  const [accountA, accountB] = await flow.accounts()
  expect(accountA.id).not.toBe(accountB.id)
  const run = randomUUID().slice(0, 8)
  const A = participant('A', accountA, `${run}/A`)
  const B = participant('B', accountB, `${run}/B`)
  const answersAs = async (strategy: Session, who: Participant) => {
    const sent = who.sent.length
    const id = await flow.whoami(strategy, who.sent)
    expect(who.sent.length, `${who.label}'s strategy sent nothing through its own fetch`).toBeGreaterThan(sent)
    expect(id, `a request of account ${who.label} was authenticated as another account`).toBe(who.account.id)
  }
  const harness = await openStore(kind)
  try {
    const a = A.connect(harness.store)
    const b = B.connect(harness.store)

    // Interleaved one at a time: A logs in and stores first, then B starts on the same store.
    await answersAs(a, A)
    await answersAs(b, B)
    await answersAs(a, A)
    await answersAs(b, B)
    // And concurrently.
    await Promise.all([answersAs(b, B), answersAs(a, A), answersAs(b, B), answersAs(a, A)])

    const keyA = await a.storeKey()
    const keyB = await b.storeKey()
    expect(keyA, 'two accounts got the same store key').not.toBe(keyB)

    // The same credentials again (a restart: new strategies, the store reopened) → the same keys, the stored tokens
    // reused (the login counts below stay at one per account).
    const reopened = harness.reopen()
    const b2 = B.connect(reopened)
    const a2 = A.connect(reopened)
    expect(await b2.storeKey(), "B's credentials gave a different store key the second time").toBe(keyB)
    expect(await a2.storeKey(), "A's credentials gave a different store key the second time").toBe(keyA)
    await answersAs(b2, B)
    await answersAs(a2, A)

    // What left the process: no request of one account carried a credential of the other.
    const credentialsOf = (who: Participant) => new Set(who.sent.flatMap((r) => r.credentials))
    for (const [self, other] of [
      [A, B],
      [B, A],
    ] as const) {
      const foreign = [...other.account.secrets, ...credentialsOf(other)]
      for (const request of self.sent) {
        const carried = [...request.credentials, request.body].join('\n')
        const leaked = foreign.some((secret) => carried.includes(secret))
        expect(leaked, `${self.label}'s ${request.method} ${request.path} carried a credential of ${other.label}`).toBe(false)
      }
    }

    // What the emulator received, per account.
    for (const who of [A, B]) {
      const logged = who.account.log().filter((entry) => entry.headers[TAG] === who.tag)
      expect(logged.length, `the emulator logged a different number of ${who.label}'s requests than were sent`).toBe(who.sent.length)
      expect(
        logged.filter((entry) => entry.status >= 400).map((entry) => `${entry.status} ${entry.method} ${entry.path}`),
        `the emulator refused requests of ${who.label} (a credential that was not its own?)`,
      ).toEqual([])
      if (flow.loginPath) {
        expect(logged.filter((entry) => entry.path === flow.loginPath).length, `${who.label} logged in other than exactly once`).toBe(1)
      }
    }

    // The store keys name no secret, nor a piece of one: not a key, secret, password, nor any token sent or stored.
    const stored = [await harness.store.get(keyA), await harness.store.get(keyB)].flatMap((tokens) => [tokens?.accessToken, tokens?.refreshToken])
    const secrets = [...A.account.secrets, ...B.account.secrets, ...credentialsOf(A), ...credentialsOf(B), ...stored].filter(
      (secret): secret is string => typeof secret === 'string' && secret !== '',
    )
    expect(stored.filter(Boolean).length, 'the store holds no token for the two accounts').toBeGreaterThanOrEqual(2)
    for (const key of [keyA, keyB]) {
      expect(secrets.filter((secret) => containsSecret(key, secret)).length, `store key ${JSON.stringify(key)} contains (part of) a secret`).toBe(0)
    }
  } finally {
    for (const strategy of [...A.strategies, ...B.strategies]) strategy.dispose()
    await harness.close()
  }
}

describe.each(STORES)('two accounts of every preset on one %s store', (kind) => {
  for (const flow of PRESETS) {
    it(`${flow.title}: each account sends only its own credentials; distinct, secret-free, stable store keys`, () => twoAccountsOneStore(flow, kind))
  }
})

// Regression (issue 18): these accounts have no identity that tells them apart (none at all, or a user name two firms
// share), and the store key used to fall back to one slot per provider (`<provider>:default`, `projectx:<user name>`),
// so B was served A's stored token. The contract: distinct credentials → distinct store keys → each sends only its
// own token; the same credentials → the same key (a restart reuses the stored token).
describe.each(STORES)('regression: accounts without a telling identity on one %s store', (kind) => {
  for (const flow of REGRESSIONS) {
    it(`${flow.title}: each account sends only its own token; distinct, secret-free, stable store keys`, () => twoAccountsOneStore(flow, kind))
  }
})
