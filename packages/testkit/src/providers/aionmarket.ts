import { ConfigError } from '@authmux/core'
import { createSharedState, listen, type EmulatorHandle, type StartOptions } from '../emulator.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from '../http-types.js'
import { createIds } from '../ids.js'
import { Router, json } from '../router.js'
import type { SharedControls } from '../server.js'

/**
 * AionMarket emulator. Envelope choice: responses are the bare objects shown in docs.aionmarket.com (no
 * `{code, data}` wrapper); errors are `{ code: <http status>, message, error }`.
 */
export interface AionMarketEmulatorOptions {
  /** Agents to create instead of the demo agent. */
  agents?: { name: string; description?: string }[]
  /** Simulation balance of new agents (default 10000). */
  simulationBalance?: number
}

/** An API key as the emulator stores it. `status` 1 = active, 2 = revoked; `createType` 1 = user, 2 = system. */
export interface AionMarketKey {
  id: string
  userId: string
  keyName: string
  apiKeyCode: string
  claimCode: string
  status: 1 | 2
  createType: 1 | 2
  createdAt: string
  lastCalledAt: string
}

/** A registered agent and its first API key. */
export interface AionMarketAgent {
  agentId: string
  agentName: string
  description: string
  /** The key issued at registration (64 alphanumeric chars). */
  apiKey: string
  claimCode: string
}

/** Credentials of the demo agent. */
export type AionMarketCredentials = AionMarketAgent

/** AionMarket-specific controls. */
export interface AionMarketControls {
  /** Register an agent (like `POST /agents/register`). */
  addAgent(input: { name: string; description?: string }): AionMarketAgent
  /** Create another key for an agent (like `POST /agents/create-api-key`). */
  createKey(agentId: string, keyName?: string): AionMarketKey
  /** Mark a key revoked (status 2): it then gets 401. */
  revokeKey(apiKey: string): void
  /** Same as `revokeKey` (uniform name across emulators). */
  revokeToken(apiKey: string): void
  /** Revoke every key. */
  revokeAllTokens(): void
  /** Mark an agent claimed (as the dashboard would). */
  setClaimed(agentId: string, claimed: boolean): void
}

interface Agent {
  agentId: string
  agentCode: string
  agentName: string
  description: string
  claimCode: string
  claimed: boolean
  createdAt: number
  walletAddress: string
  solAddress: string
  keys: AionMarketKey[]
}

const error = (status: number, message: string): EmulatorResponse =>
  json(status, { code: status, message, error: status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Error' })

const maskKey = (code: string) => `${code.slice(0, 6)}${'*'.repeat(code.length - 10)}${code.slice(-4)}`

/** Build the AionMarket emulator (not yet listening). */
export function createAionMarketEmulator(
  shared: SharedControls,
  options: AionMarketEmulatorOptions = {},
): { definition: ProviderDefinition; credentials: AionMarketCredentials; controls: AionMarketControls } {
  const { clock } = shared
  const ids = createIds(shared.seed, 'aionmarket')
  const base = '/bvapi'
  const agents = new Map<string, Agent>()
  const keys = new Map<string, { key: AionMarketKey; agent: Agent }>()
  let nextKeyId = 1000
  const balance = options.simulationBalance ?? 10000

  function newKey(agent: Agent, keyName: string, createType: 1 | 2): AionMarketKey {
    nextKeyId += 1
    const key: AionMarketKey = {
      id: String(nextKeyId),
      userId: agent.agentId,
      keyName,
      apiKeyCode: ids.alphanumeric(64),
      claimCode: agent.claimCode,
      status: 1,
      createType,
      createdAt: String(clock.now()),
      lastCalledAt: '',
    }
    agent.keys.push(key)
    keys.set(key.apiKeyCode, { key, agent })
    return key
  }

  function addAgent(input: { name: string; description?: string }): AionMarketAgent {
    const agent: Agent = {
      agentId: ids.uuid(),
      agentCode: ids.uuid(),
      agentName: input.name,
      description: input.description ?? '',
      claimCode: ids.alphanumeric(8).toUpperCase(),
      claimed: false,
      createdAt: clock.now(),
      walletAddress: `0x${ids
        .alphanumeric(40)
        .toLowerCase()
        .replace(/[^0-9a-f]/g, 'a')}`,
      solAddress: ids.alphanumeric(44),
      keys: [],
    }
    agents.set(agent.agentId, agent)
    const key = newKey(agent, 'default', 2)
    return { agentId: agent.agentId, agentName: agent.agentName, description: agent.description, apiKey: key.apiKeyCode, claimCode: agent.claimCode }
  }

  const seeded = (options.agents ?? [{ name: 'demo-agent', description: 'authmux testkit demo agent' }]).map(addAgent)
  const first = seeded[0]
  if (!first) throw new ConfigError('@authmux/testkit: aionmarket.agents must contain at least one agent.', { provider: 'aionmarket', field: 'agents' })

  /** Bearer key check. */
  function authenticate(req: EmulatorRequest): { agent: Agent; key: AionMarketKey } | EmulatorResponse {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    if (!match?.[1]) return error(401, 'Missing API key. Send Authorization: Bearer <apiKeyCode>.')
    const found = keys.get(match[1].trim())
    if (!found) return error(401, 'Invalid API key.')
    if (found.key.status !== 1) return error(401, 'API key has been revoked.')
    found.key.lastCalledAt = String(clock.now())
    req.credential = 'bearer'
    return found
  }
  const isResponse = (x: unknown): x is EmulatorResponse => typeof x === 'object' && x !== null && 'status' in x

  const str = (body: unknown, field: string) => {
    const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined
    return typeof v === 'string' ? v.trim() : v
  }

  const router = new Router()
    .on('POST', `${base}/agents/register`, (req) => {
      if (req.bodyInvalid || !req.body || typeof req.body !== 'object') return error(400, 'Invalid JSON payload.')
      const name = str(req.body, 'name')
      const description = str(req.body, 'description')
      if (typeof name !== 'string' || name === '' || name.length > 100) return error(400, 'name is required (1-100 characters).')
      if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
        return error(400, 'description must be a string of at most 500 characters.')
      }
      const agent = addAgent({ name, ...(typeof description === 'string' ? { description } : {}) })
      return json(200, {
        agentId: agent.agentId,
        agentName: agent.agentName,
        apiKeyCode: agent.apiKey,
        claimCode: agent.claimCode,
        claimUrl: `https://www.aionmarket.com/claim/${agent.claimCode}`,
        simulationBalance: balance,
      })
    })
    .on('POST', `${base}/agents/create-api-key`, (req) => {
      const auth = authenticate(req)
      if (isResponse(auth)) return auth
      const keyName = str(req.body, 'keyName')
      if (typeof keyName !== 'string' || keyName === '' || keyName.length > 100) return error(400, 'keyName is required (1-100 characters).')
      return json(200, { ...newKey(auth.agent, keyName, 1) })
    })
    .on('GET', `${base}/agents/api-key/list`, (req) => {
      const auth = authenticate(req)
      if (isResponse(auth)) return auth
      return json(
        200,
        auth.agent.keys.map((k) => ({ ...k, apiKeyCode: maskKey(k.apiKeyCode) })),
      )
    })
    .on('GET', `${base}/agents/me`, (req) => {
      const auth = authenticate(req)
      if (isResponse(auth)) return auth
      const a = auth.agent
      return json(200, {
        id: a.agentId,
        agentId: a.agentId,
        agentName: a.agentName,
        name: a.agentName,
        description: a.description,
        onlineStatus: 1,
        createdAt: String(a.createdAt),
        claimed: a.claimed,
        walletCount: 1,
        simulationBalance: balance,
        totalPnl: '0',
        pnlRate: '0',
        currentPositionCount: 0,
        winRate: '0',
        winCount: 0,
        lossCount: 0,
        todayTradeCount: 0,
        authenticatedWith: 'bearer',
      })
    })
    .on('GET', `${base}/agents/claim`, (req) => {
      const code = req.query.get('claimCode')
      if (!code) return error(400, 'claimCode is required.')
      const agent = [...agents.values()].find((a) => a.claimCode === code)
      if (!agent) return error(404, 'Claim code not found.')
      return json(200, {
        agentId: agent.agentId,
        agentName: agent.agentName,
        description: agent.description,
        claimed: agent.claimed,
        claimCode: agent.claimCode,
      })
    })
    .on('GET', `${base}/agents/claim/:claimCode`, (req) => {
      const code = req.params.claimCode
      if (!code) return error(400, 'claimCode is required.')
      const agent = [...agents.values()].find((a) => a.claimCode === code)
      const key = agent?.keys.find((k) => k.createType === 2) ?? agent?.keys[0]
      if (!agent || !key) return error(404, 'Claim code not found.')
      return json(200, {
        ...key,
        apiKeyCode: maskKey(key.apiKeyCode),
        agentName: agent.agentName,
        agentCode: agent.agentCode,
        agentDescription: agent.description,
        onlineStatus: 1,
        walletAddress: agent.walletAddress,
        solAddress: agent.solAddress,
      })
    })

  const definition: ProviderDefinition = {
    name: 'aionmarket',
    basePath: base,
    kindOf: () => 'other',
    async handle(req) {
      const handler = router.match(req)
      if (handler === 'method-not-allowed') return error(405, 'Method not allowed.')
      if (!handler) return error(404, `Cannot ${req.method} ${req.path}`)
      return handler(req)
    },
    faultBody: (status) =>
      status === 401
        ? { code: 401, message: 'Invalid API key.', error: 'Unauthorized' }
        : status === 429
          ? { code: 429, message: 'Too many requests.', error: 'Too Many Requests' }
          : { code: status, message: 'Internal server error.', error: 'Internal Server Error' },
  }

  const revokeKey = (apiKey: string) => {
    const found = keys.get(apiKey)
    if (found) found.key.status = 2
  }
  const controls: AionMarketControls = {
    addAgent,
    createKey(agentId, keyName = 'key') {
      const agent = agents.get(agentId)
      if (!agent)
        throw new ConfigError('@authmux/testkit: aionmarket.createKey(agentId) — unknown agentId; use an id from addAgent() or credentials.', {
          provider: 'aionmarket',
          field: 'agentId',
        })
      return { ...newKey(agent, keyName, 1) }
    },
    revokeKey,
    revokeToken: revokeKey,
    revokeAllTokens() {
      for (const { key } of keys.values()) key.status = 2
    },
    setClaimed(agentId, claimed) {
      const agent = agents.get(agentId)
      if (agent) agent.claimed = claimed
    },
  }
  return { definition, credentials: { ...first }, controls }
}

/** A running AionMarket emulator. `url` ends in `/bvapi`. */
export type AionMarketEmulator = EmulatorHandle<AionMarketCredentials> & AionMarketControls

/** Start the AionMarket emulator on its own origin (`url` = `http://127.0.0.1:PORT/bvapi`). */
export async function startAionMarketEmulator(options: StartOptions & AionMarketEmulatorOptions = {}): Promise<AionMarketEmulator> {
  const shared = createSharedState(options)
  return listen('aionmarket', shared, createAionMarketEmulator(shared, options), options)
}
