import { type AuthFetch, fingerprint } from '@authmux/core'
import { configError } from '../config-error'
import { omitUndefined } from '../omit-undefined'
import { callAionMarket } from './call'
import type { EchoedSecrets } from './envelope'
import { AIONMARKET } from './options'
import { createApiKeySchema, listApiKeysSchema, meSchema, registerAgentSchema } from './schemas'
import { toEpochMs } from './time'

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

/** `status` codes of a listed key. */
const KEY_STATUS: Record<number, ApiKeyInfo['status'] | undefined> = { 1: 'active', 2: 'revoked' }
/** `createType` codes of a listed key. */
const CREATED_BY: Record<number, ApiKeyInfo['createdBy']> = { 1: 'user', 2: 'system' }

/**
 * Checks a text input: trimmed, at most `maxLength` characters; when `required`, present and not blank. An optional
 * input left out (undefined, null or '') gives undefined.
 */
function checkText(value: unknown, field: string, maxLength: number, required: boolean): string | undefined {
  if (!required && (value === undefined || value === null || value === '')) return undefined
  const text = typeof value === 'string' ? value.trim() : undefined
  if (text === undefined || text.length > maxLength || (required && text === '')) {
    const problem = text === undefined ? 'missing or not a string' : `${text.length} characters long`
    throw configError(
      `${field} is ${problem}; AionMarket accepts at most ${maxLength} characters${required ? ' and needs a non-blank value' : ''} — pass { ${field}: '…' } within that limit. Nothing was sent.`,
      field,
      AIONMARKET,
    )
  }
  return text
}

/** `POST /agents/register` — public. */
export async function registerAgent(fetch: AuthFetch, input: { name: string; description?: string }): Promise<RegisteredAgent> {
  const name = checkText(input?.name, 'name', 100, true)
  // Sent as JSON: an undefined description is left out of the body.
  const description = checkText(input?.description, 'description', 500, false)
  const agent = await callAionMarket(fetch, 'POST', '/agents/register', registerAgentSchema, { body: { name, description } })
  const balance = agent.simulationBalance == null ? undefined : Number(agent.simulationBalance)
  return omitUndefined<RegisteredAgent>({
    agentId: agent.agentId,
    agentName: agent.agentName,
    apiKey: agent.apiKeyCode,
    claimCode: agent.claimCode || undefined,
    claimUrl: agent.claimUrl || undefined,
    simulationBalance: Number.isFinite(balance) ? balance : undefined,
    notice: STORE_KEY_NOTICE,
  })
}

/** `POST /agents/create-api-key` — creates another key for the same agent. `echoed`: the key the call carries. */
export async function createApiKey(fetch: AuthFetch, keyName: string, echoed?: EchoedSecrets): Promise<CreatedApiKey> {
  const name = checkText(keyName, 'keyName', 100, true)!
  const created = await callAionMarket(fetch, 'POST', '/agents/create-api-key', createApiKeySchema, { body: { keyName: name }, echoed })
  return omitUndefined<CreatedApiKey>({
    id: created.id,
    keyName: created.keyName ?? name,
    apiKey: (created.apiKeyCode ?? created.apiKey ?? created.key)!,
    notice: STORE_KEY_NOTICE,
  })
}

/** `GET /agents/api-key/list` — the agent's keys, with fingerprints instead of key values. */
export async function listApiKeys(fetch: AuthFetch, echoed?: EchoedSecrets): Promise<ApiKeyInfo[]> {
  const keys = await callAionMarket(fetch, 'GET', '/agents/api-key/list', listApiKeysSchema, { echoed })
  return Promise.all(
    keys.map(async (key) => {
      const code = key.apiKeyCode || undefined
      const masked = code?.includes('*')
      return omitUndefined<ApiKeyInfo>({
        id: key.id,
        keyName: key.keyName || undefined,
        status: KEY_STATUS[Number(key.status)] ?? 'unknown',
        createdBy: CREATED_BY[Number(key.createType)],
        createdAt: toEpochMs(key.createdAt),
        lastCalledAt: toEpochMs(key.lastCalledAt),
        fingerprint: code && !masked ? await fingerprint(code) : undefined,
        maskedKey: masked ? code : undefined,
      })
    }),
  )
}

/** `GET /agents/me` — the agent behind the key; doubles as a key status check (401 → `KeyRejectedError`). */
export async function me(fetch: AuthFetch, echoed?: EchoedSecrets): Promise<AgentProfile> {
  const agent = await callAionMarket(fetch, 'GET', '/agents/me', meSchema, { echoed })
  const { apiKeyCode: _omit, ...details } = agent as Record<string, unknown>
  return omitUndefined<AgentProfile>({
    agentId: (agent.agentId ?? agent.id)!,
    name: (agent.name ?? agent.agentName) || undefined,
    claimed: agent.claimed ?? undefined,
    description: agent.description || undefined,
    createdAt: toEpochMs(agent.createdAt),
    details,
  })
}
