import { ConfigError, fingerprint, type AuthStrategy } from '@authmux/core'
import { parseBody } from '../parse-body'
import { callAionMarket } from './call'
import { createApiKeySchema, listApiKeysSchema, meSchema, registerAgentSchema } from './schemas'
import { toEpochMs } from './time'

type $Fetch = AuthStrategy['fetch']

const packageName = '@authmux/bearer'
const provider = 'aionmarket'

/** The one-time notice attached to every newly issued key. */
export const STORE_KEY_NOTICE =
  'AionMarket shows this API key only once: store it now in a secret manager or an encrypted store — it cannot be read back later.'

/** What `registerAgent()` returns. `apiKey` is shown only this once. */
export interface RegisteredAgent {
  agentId: string
  agentName: string
  /** The new agent's API key ("apiKeyCode"). Secret, shown only once: store it now. */
  apiKey: string
  /** Code a human uses to claim the agent on the dashboard. */
  claimCode?: string
  /** Link for claiming the agent. */
  claimUrl?: string
  /** Starting simulation balance (e.g. 10000). */
  simulationBalance?: number
  /** Reminder that the key is shown once. */
  notice: string
}

/** What `createApiKey()` returns. `apiKey` is shown only this once. */
export interface CreatedApiKey {
  id?: string
  keyName: string
  /** The new API key. Secret, shown only once: store it now. */
  apiKey: string
  notice: string
}

/** One API key of the agent, as listed. The key itself is never returned — only its fingerprint. */
export interface ApiKeyInfo {
  id?: string
  keyName?: string
  status: 'active' | 'revoked' | 'unknown'
  createdBy?: 'user' | 'system'
  /** Epoch ms. */
  createdAt?: number
  /** Epoch ms of the last call made with this key. */
  lastCalledAt?: number
  /** Short SHA-256 label of the key (same as `fingerprint(key)` from @authmux/core), when the API lists full keys. */
  fingerprint?: string
  /** The masked key (`abc123******wxyz`) when the API lists keys masked. */
  maskedKey?: string
}

/** The agent behind the key, from `GET /agents/me`. */
export interface AgentProfile {
  agentId: string
  name?: string
  claimed?: boolean
  description?: string
  /** Epoch ms. */
  createdAt?: number
  /** Every field the API returned, as returned. */
  details: Record<string, unknown>
}

const where = (what: string) => ({ packageName, provider, what })

function checkText(value: unknown, field: string, maxLength: number, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (!required) return undefined
    throw new ConfigError(`${packageName}: ${field} is required — pass a non-empty string (at most ${maxLength} characters).`, {
      provider,
      field,
    })
  }
  if (typeof value !== 'string') {
    throw new ConfigError(`${packageName}: ${field} must be a string.`, { provider, field })
  }
  const text = value.trim()
  if (required && text === '') {
    throw new ConfigError(`${packageName}: ${field} is blank — pass a non-empty string.`, { provider, field })
  }
  if (text.length > maxLength) {
    throw new ConfigError(`${packageName}: ${field} is ${text.length} characters long; AionMarket accepts at most ${maxLength}.`, {
      provider,
      field,
    })
  }
  return text
}

/** `POST /agents/register` — public. */
export async function registerAgent(fetch: $Fetch, input: { name: string; description?: string }): Promise<RegisteredAgent> {
  const name = checkText(input?.name, 'name', 100, true)!
  const description = checkText(input?.description, 'description', 500, false)
  const body = await callAionMarket(fetch, '/agents/register', {
    method: 'POST',
    body: description === undefined ? { name } : { name, description },
  })
  const agent = parseBody(registerAgentSchema, body, where('register'))
  const balance = agent.simulationBalance === null || agent.simulationBalance === undefined ? undefined : Number(agent.simulationBalance)
  return {
    agentId: agent.agentId,
    agentName: agent.agentName,
    apiKey: agent.apiKeyCode,
    ...(agent.claimCode ? { claimCode: agent.claimCode } : {}),
    ...(agent.claimUrl ? { claimUrl: agent.claimUrl } : {}),
    ...(balance !== undefined && Number.isFinite(balance) ? { simulationBalance: balance } : {}),
    notice: STORE_KEY_NOTICE,
  }
}

/** `POST /agents/create-api-key` — creates another key for the same agent. */
export async function createApiKey(fetch: $Fetch, keyName: string): Promise<CreatedApiKey> {
  const name = checkText(keyName, 'keyName', 100, true)!
  const body = await callAionMarket(fetch, '/agents/create-api-key', { method: 'POST', body: { keyName: name } })
  const created = parseBody(createApiKeySchema, body, where('create-api-key'))
  return {
    ...(created.id !== undefined ? { id: created.id } : {}),
    keyName: created.keyName ?? name,
    apiKey: (created.apiKeyCode ?? created.apiKey ?? created.key)!,
    notice: STORE_KEY_NOTICE,
  }
}

/** `GET /agents/api-key/list` — the agent's keys, with fingerprints instead of key values. */
export async function listApiKeys(fetch: $Fetch): Promise<ApiKeyInfo[]> {
  const body = await callAionMarket(fetch, '/agents/api-key/list', { method: 'GET' })
  const keys = parseBody(listApiKeysSchema, body, where('api-key list'))
  return Promise.all(
    keys.map(async (key): Promise<ApiKeyInfo> => {
      const status = Number(key.status)
      const createType = Number(key.createType)
      const createdAt = toEpochMs(key.createdAt)
      const lastCalledAt = toEpochMs(key.lastCalledAt)
      return {
        ...(key.id !== undefined ? { id: key.id } : {}),
        ...(key.keyName ? { keyName: key.keyName } : {}),
        status: status === 1 ? 'active' : status === 2 ? 'revoked' : 'unknown',
        ...(createType === 1 ? { createdBy: 'user' as const } : createType === 2 ? { createdBy: 'system' as const } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        ...(lastCalledAt !== undefined ? { lastCalledAt } : {}),
        ...(key.apiKeyCode ? (key.apiKeyCode.includes('*') ? { maskedKey: key.apiKeyCode } : { fingerprint: await fingerprint(key.apiKeyCode) }) : {}),
      }
    }),
  )
}

/** `GET /agents/me` — the agent behind the key; doubles as a key status check (401 → `KeyRejectedError`). */
export async function me(fetch: $Fetch): Promise<AgentProfile> {
  const body = await callAionMarket(fetch, '/agents/me', { method: 'GET' })
  const agent = parseBody(meSchema, body, where('agents/me'))
  const name = agent.name ?? agent.agentName
  const createdAt = toEpochMs(agent.createdAt)
  const { apiKeyCode: _omit, ...details } = agent as Record<string, unknown>
  return {
    agentId: (agent.agentId ?? agent.id)!,
    ...(name ? { name } : {}),
    ...(typeof agent.claimed === 'boolean' ? { claimed: agent.claimed } : {}),
    ...(agent.description ? { description: agent.description } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    details,
  }
}
