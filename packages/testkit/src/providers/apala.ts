import { createSharedState, listen, type EmulatorHandle, type StartOptions } from '../emulator.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from '../http-types.js'
import { createIds, uuid } from '../ids.js'
import { createSigningKey, signJwt, toSeconds, verifyJwt } from '../jwt.js'
import { Router, json } from '../router.js'
import type { SharedControls } from '../server.js'
import { TokenRegistry } from '../token-registry.js'

/** Options of the Apala emulator. */
export interface ApalaEmulatorOptions {
  /** Access-token lifetime in seconds, answered as `expires_in` (default 3600; must be > 60, the SDK refreshes 60 s early). */
  accessSeconds?: number
  /** Refresh-token lifetime in seconds (default 2 592 000 = 30 days). */
  refreshSeconds?: number
  /** Company name of the demo key (default "Demo Lending Co"). */
  companyName?: string
}

/** An Apala API key and its company. */
export interface ApalaKey {
  /** 44-char base64 API key. */
  apiKey: string
  companyId: string
  companyName: string
}

/** Demo credentials: a working key and a key without permissions (403 on `/api/auth/token`). */
export interface ApalaCredentials extends ApalaKey {
  /** A key of the same company that exists but lacks permissions. */
  noPermissionApiKey: string
}

/** Apala-specific controls. */
export interface ApalaControls {
  /** Create a key (`permitted: false` = exists but lacks permissions → 403). */
  addKey(input?: { companyName?: string; companyId?: string; permitted?: boolean }): ApalaKey
  /** Revoke an API key: token exchange and refresh with it then get 401. */
  revokeKey(apiKey: string): void
  /** Change the access-token lifetime (seconds) for tokens issued from now on. */
  setAccessSeconds(seconds: number): void
  /** Change the refresh-token lifetime (seconds) for tokens issued from now on. */
  setRefreshSeconds(seconds: number): void
  /** Revoke one access or refresh token. */
  revokeToken(token: string): void
  /** Revoke every token issued so far. */
  revokeAllTokens(): void
}

interface Key extends ApalaKey {
  keyId: string
  permitted: boolean
  revoked: boolean
}

const error = (status: number, message: string): EmulatorResponse => json(status, { error: message })

/** Build the Apala emulator (not yet listening). */
export function createApalaEmulator(
  shared: SharedControls,
  options: ApalaEmulatorOptions = {},
): { definition: ProviderDefinition; credentials: ApalaCredentials; controls: ApalaControls } {
  const { clock } = shared
  const ids = createIds(shared.seed, 'apala')
  const signingKey = createSigningKey()
  const tokens = new TokenRegistry()
  const keys = new Map<string, Key>()
  let accessSeconds = options.accessSeconds ?? 3600
  let refreshSeconds = options.refreshSeconds ?? 2_592_000
  const messages = new Map<string, { companyId: string }>()
  const nowIso = () => new Date(clock.now()).toISOString()

  function addKey(input: { companyName?: string; companyId?: string; permitted?: boolean } = {}): ApalaKey {
    const key: Key = {
      keyId: ids.uuid(),
      apiKey: ids.base64Token(32),
      companyId: input.companyId ?? ids.uuid(),
      companyName: input.companyName ?? options.companyName ?? 'Demo Lending Co',
      permitted: input.permitted ?? true,
      revoked: false,
    }
    keys.set(key.apiKey, key)
    return { apiKey: key.apiKey, companyId: key.companyId, companyName: key.companyName }
  }
  const demo = addKey()
  const noPermission = addKey({ companyId: demo.companyId, companyName: demo.companyName, permitted: false })
  const keyById = (keyId: unknown) => [...keys.values()].find((k) => k.keyId === keyId)

  async function sign(key: Key, typ: 'access' | 'refresh', seconds: number): Promise<string> {
    const iat = toSeconds(clock.now())
    return tokens.issue(
      await signJwt(signingKey, {
        aud: 'apala',
        iss: 'apala',
        sub: `api_key:${key.keyId}`,
        company_id: key.companyId,
        typ,
        jti: uuid(),
        iat,
        nbf: iat,
        exp: iat + seconds,
      }),
    )
  }

  async function verify(token: string | undefined, typ: 'access' | 'refresh'): Promise<{ key: Key } | { error: string }> {
    if (!token) return { error: 'Missing token' }
    const result = await verifyJwt(signingKey, token, clock.now())
    if (!result.ok) return { error: result.reason === 'expired' ? 'Token has expired' : 'Invalid token' }
    if (result.payload.typ !== typ || tokens.isRevoked(token)) return { error: 'Invalid token' }
    const key = keyById(String(result.payload.sub).replace(/^api_key:/, ''))
    if (!key || key.revoked) return { error: 'Invalid token' }
    return { key }
  }

  const protect =
    (fn: (req: EmulatorRequest, key: Key) => EmulatorResponse) =>
    async (req: EmulatorRequest): Promise<EmulatorResponse> => {
      const header = req.headers.authorization
      if (!header) return error(401, 'Missing Authorization header')
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim()
      const auth = await verify(token, 'access')
      if ('error' in auth) return error(401, auth.error)
      req.credential = 'bearer'
      return fn(req, auth.key)
    }

  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
  const SCORES = new Set(['good', 'bad', 'neutral'])
  function feedbackRecord(input: Record<string, unknown>, key: Key): Record<string, unknown> | string {
    const messageId = input.message_id
    if (typeof messageId !== 'string' || messageId === '') return 'message_id is required'
    const score = input.score ?? 'neutral'
    if (typeof score !== 'string' || !SCORES.has(score)) return 'score must be one of good, bad, neutral'
    const known = messages.get(messageId)
    if (known && known.companyId !== key.companyId) return 'message_id not found'
    return { id: uuid(), message_id: messageId, customer_responded: input.customer_responded === true, score, inserted_at: nowIso() }
  }

  const router = new Router()
    .on('POST', '/api/auth/token', async (req) => {
      req.credential = 'body'
      const apiKey = obj(req.body).api_key
      if (typeof apiKey !== 'string' || apiKey === '') return error(400, 'api_key is required')
      const key = keys.get(apiKey)
      if (!key || key.revoked) return error(401, 'Invalid API key')
      if (!key.permitted) return error(403, 'API key lacks the required permissions')
      return json(200, {
        access_token: await sign(key, 'access', accessSeconds),
        refresh_token: await sign(key, 'refresh', refreshSeconds),
        token_type: 'Bearer',
        expires_in: accessSeconds,
        company_id: key.companyId,
        company_name: key.companyName,
      })
    })
    .on('POST', '/api/auth/refresh', async (req) => {
      req.credential = 'body'
      const refreshToken = obj(req.body).refresh_token
      if (typeof refreshToken !== 'string' || refreshToken === '') return error(400, 'refresh_token is required')
      const auth = await verify(refreshToken, 'refresh')
      if ('error' in auth) return error(401, auth.error === 'Token has expired' ? 'Refresh token has expired' : 'Invalid refresh token')
      return json(200, { access_token: await sign(auth.key, 'access', accessSeconds), expires_in: accessSeconds })
    })
    .on(
      'POST',
      '/api/message_optimizer',
      protect((req, key) => {
        // The SDK sends {company, customer_id, messages: [{content, channel, …}], candidate_message: "<content>", …metadata}.
        const body = obj(req.body)
        const candidate = body.candidate_message ?? body.message
        const history = Array.isArray(body.messages) ? body.messages.map(obj) : []
        const original =
          typeof candidate === 'string'
            ? candidate
            : typeof obj(candidate).content === 'string'
              ? (obj(candidate).content as string)
              : typeof body.content === 'string'
                ? body.content
                : ''
        const channel = obj(candidate).channel ?? history.at(-1)?.channel ?? body.channel
        const messageId = uuid()
        messages.set(messageId, { companyId: key.companyId })
        return json(200, {
          message_id: messageId,
          optimized_message: original ? `${original.trim()} — reply here and we will help right away.` : 'Hi! We are here to help — reply any time.',
          recommended_channel: typeof channel === 'string' && channel ? channel : 'SMS',
          original_message: original,
          authenticatedWith: 'bearer',
        })
      }),
    )
    .on(
      'POST',
      '/api/feedback',
      protect((req, key) => {
        const record = feedbackRecord(obj(req.body), key)
        if (typeof record === 'string') return error(422, record)
        return json(200, { ...record, authenticatedWith: 'bearer' })
      }),
    )
    .on(
      'POST',
      '/api/feedback/bulk',
      protect((req, key) => {
        const body = req.body
        const items = Array.isArray(body) ? body : obj(body).feedback
        if (!Array.isArray(items)) return error(422, 'feedback must be a list')
        const feedback: Record<string, unknown>[] = []
        for (const item of items) {
          const record = feedbackRecord(obj(item), key)
          if (typeof record === 'string') return error(422, record)
          feedback.push(record)
        }
        return json(200, { success: true, count: feedback.length, feedback, authenticatedWith: 'bearer' })
      }),
    )

  const definition: ProviderDefinition = {
    name: 'apala',
    basePath: '',
    kindOf(_method, path) {
      if (path === '/api/auth/token') return 'login'
      if (path === '/api/auth/refresh') return 'refresh'
      return 'other'
    },
    async handle(req) {
      const handler = router.match(req)
      if (handler === 'method-not-allowed') return error(405, 'Method not allowed')
      if (!handler) return error(404, 'Not Found')
      return handler(req)
    },
    faultBody: (status) => ({ error: status === 401 ? 'Unauthorized' : status === 429 ? 'Too many requests' : 'Internal server error' }),
  }

  const controls: ApalaControls = {
    addKey,
    revokeKey(apiKey) {
      const key = keys.get(apiKey)
      if (key) key.revoked = true
    },
    setAccessSeconds(seconds) {
      accessSeconds = seconds
    },
    setRefreshSeconds(seconds) {
      refreshSeconds = seconds
    },
    revokeToken: (token) => void tokens.revoke(token),
    revokeAllTokens: () => void tokens.revokeAll(),
  }
  return { definition, credentials: { ...demo, noPermissionApiKey: noPermission.apiKey }, controls }
}

/** A running Apala emulator. `url` is the origin (the SDK joins absolute `/api/...` paths). */
export type ApalaEmulator = EmulatorHandle<ApalaCredentials> & ApalaControls

/** Start the Apala emulator on its own origin (`url` = `http://127.0.0.1:PORT`). */
export async function startApalaEmulator(options: StartOptions & ApalaEmulatorOptions = {}): Promise<ApalaEmulator> {
  const shared = createSharedState(options)
  return listen('apala', shared, createApalaEmulator(shared, options), options)
}
