import { assertSecureBaseURL, type FlowContext, type TokenSet } from '@authmux/core'
import { type DefinedFlow, defineFlow, type FlowFields, type FlowSpec, isEndpoint } from '@authmux/core/provider'
import type { z } from 'zod'
import { assertAttachment } from './attach'
import { PACKAGE_NAME } from './package-name'
import { attachToken, loginForToken, logoutToken, revalidateToken } from './steps'
import type { Label } from './token-set'
import type { KeySecretJwtConfig, TokenAttachment } from './types'

/** What one strategy of the generic style holds; the methods live once per API shape (see `definitionFor`). */
export interface KeySecretJwtFields extends FlowFields {
  /**
   * Logs in: the config's login endpoint, bound by `createKeySecretJwtFlow` to the config it came with (its response
   * type stays inside; TypeScript has no way to store "a config of some response type" otherwise).
   */
  readonly login: (ctx: FlowContext) => Promise<TokenSet>
  /** Revalidates the current token, bound the same way; undefined without a `revalidate` endpoint. */
  readonly revalidate: ((tokens: TokenSet, ctx: FlowContext) => Promise<TokenSet>) | undefined
  /** The provider's logout endpoint, if any. */
  readonly logoutPath: string | undefined
  /** How the token is attached (default `Authorization: Bearer`). */
  readonly attach: TokenAttachment | undefined
  /** Login, revalidate and logout paths: a 401 there is never renewed and replayed. */
  readonly authPaths: ReadonlyArray<string | undefined>
}

type FlowFactory = (fields: KeySecretJwtFields) => DefinedFlow<KeySecretJwtFields>

/**
 * The flow definitions made so far, one per API shape: name and package (messages), whether it renews and revokes
 * (the engine looks at which methods exist) and the token header (dropped on a cross-origin redirect). Every strategy
 * of one shape shares its methods; a strategy holds only its fields.
 */
const definitions = new Map<string, FlowFactory>()

/**
 * The flow spec of one API shape: its methods read everything per strategy from the fields. `renews` and `revokes`
 * say whether `renew` and `revoke` exist at all (the engine logs in again without `renew`).
 */
export function keySecretJwtSpec(label: Label, renews: boolean, revokes: boolean, header: string | undefined): FlowSpec<KeySecretJwtFields> {
  const spec: FlowSpec<KeySecretJwtFields> = {
    name: label.name,
    packageName: label.packageName,
    acquire: (ctx, fields) => fields.login(ctx),
    apply: (tokens, request, fields) => attachToken(fields.attach, tokens, request),
    isAuthEndpoint: (url, fields) => {
      const base = new URL(fields.baseURL)
      return fields.authPaths.some((path) => isEndpoint(base, url, path))
    },
  }
  return { ...spec, ...(header ? { credentialHeaders: [header] } : {}), ...(renews ? { renew } : {}), ...(revokes ? { revoke } : {}) }
}

/** Revalidates through the config's endpoint (a shape that renews always has one). */
function renew(tokens: TokenSet, ctx: FlowContext, fields: KeySecretJwtFields): Promise<TokenSet> {
  return fields.revalidate ? fields.revalidate(tokens, ctx) : fields.login(ctx)
}

/** Calls the config's logout endpoint (a shape that revokes always has one). */
async function revoke(tokens: TokenSet, ctx: FlowContext, fields: KeySecretJwtFields): Promise<void> {
  if (fields.logoutPath) await logoutToken(fields.logoutPath, fields.attach, tokens, ctx)
}

function definitionFor(label: Label, renews: boolean, revokes: boolean, header: string | undefined): FlowFactory {
  const key = JSON.stringify([label.name, label.packageName, renews, revokes, header ?? null])
  let define = definitions.get(key)
  if (!define) {
    define = defineFlow(keySecretJwtSpec(label, renews, revokes, header))
    definitions.set(key, define)
  }
  return define
}

/**
 * The declarative flow of the key/secret → JWT style: log in at `loginPath`, read the token and its expiry, renew
 * through `revalidate` when configured (else the engine logs in again), attach the token as a header, call
 * `logoutPath` on `logout()`. Checks `baseURL` (https, or http to loopback unless `allowInsecureHttp`) and `attach`.
 */
export function createKeySecretJwtFlow<S extends z.ZodType, R extends z.ZodType>(config: KeySecretJwtConfig<S, R>): DefinedFlow<KeySecretJwtFields> {
  const label: Label = { name: config.name, packageName: config.packageName ?? PACKAGE_NAME }
  assertSecureBaseURL(config.baseURL, { allowInsecureHttp: config.allowInsecureHttp, provider: label.name, packageName: label.packageName })
  assertAttachment(config.attach, label)
  const { revalidate, logoutPath, attach } = config
  const define = definitionFor(label, revalidate !== undefined, Boolean(logoutPath), attach?.header)
  return define({
    baseURL: config.baseURL,
    identity: config.identity,
    secrets: config.secrets ?? [],
    login: (ctx) => loginForToken(config, ctx, undefined, label),
    revalidate: revalidate && ((tokens, ctx) => revalidateToken(revalidate, attach, tokens, ctx, label)),
    logoutPath,
    attach,
    authPaths: [config.loginPath, revalidate?.path, logoutPath],
  })
}
