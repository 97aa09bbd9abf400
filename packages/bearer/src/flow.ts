import { type DefinedFlow, defineFlow, type EnvSource, type FlowFields, type FlowSpec, requireOption } from '@authmux/core/provider'
import { type KeySource, keyRejected } from './errors'
import { formatCredential } from './header'
import { PACKAGE_NAME } from './package-name'

/** What one static-key strategy holds. */
export interface KeyFields extends FlowFields {
  /** The key `acquire()` hands out; the key ring switches it after a rotation. Undefined: none configured. */
  key: string | undefined
  /** Whether `acquire()` may hand out `key` (false in session-only mode; the key ring sets it after a rotation). */
  canAcquire: boolean
}

/** What every strategy of one static-key flow shares (its prototype): provider name, header, scheme, messages. */
export interface KeyFlowConstants extends KeySource {
  /** Header that carries the key. */
  header: string
  /** Word before the key (`Bearer`), or null for the bare key. */
  scheme: string | null
  /** Appended to the "apiKey is missing" error (e.g. how to use a stored key instead). */
  missingHint?: string
}

/**
 * The key was read (option, then environment variable) when the strategy was built; at `acquire()` time
 * `requireOption` only supplies the message for a key that is still missing, naming the variable — so it reads nothing.
 */
const ALREADY_READ: EnvSource = {}

/**
 * The static-key flow: `acquire()` hands back the configured key without a network call and without an expiry; a 401
 * means the key is invalid or revoked — there is nothing to renew, so it is never replayed. A preset spreads this
 * spec and overrides what it adds (headers, public routes, error mapping).
 */
export function keyFlowSpec<F extends KeyFields>(constants: KeyFlowConstants): FlowSpec<F> {
  const { name, header, scheme, envName, missingHint } = constants
  return {
    name,
    packageName: PACKAGE_NAME,
    credentialHeaders: [header],
    async acquire(_ctx, fields) {
      const option = { field: 'apiKey', envName, env: ALREADY_READ, provider: name, packageName: PACKAGE_NAME, hint: missingHint }
      return { accessToken: requireOption(fields.key, option) }
    },
    apply(tokens, request) {
      if (tokens) request.headers.set(header, formatCredential(tokens.accessToken, scheme))
    },
    replayOn401: () => keyRejected(constants),
    // Only the 401 is ours; a 429 the engine did not wait out becomes its RateLimitError (with retryAfterMs).
    toError: ({ status }) => (status === 401 ? keyRejected(constants) : undefined),
  }
}

/** One defined flow per distinct name, header and scheme: strategies that share them share one prototype. */
const bearerFlows = new Map<string, (fields: KeyFields) => DefinedFlow<KeyFields>>()

/** The generic static-key flow for these constants (defined once, then reused). */
export function bearerFlow(constants: KeyFlowConstants): (fields: KeyFields) => DefinedFlow<KeyFields> {
  const id = JSON.stringify([constants.name, constants.header.toLowerCase(), constants.scheme])
  let make = bearerFlows.get(id)
  if (!make) {
    make = defineFlow(keyFlowSpec<KeyFields>(constants))
    bearerFlows.set(id, make)
  }
  return make
}
