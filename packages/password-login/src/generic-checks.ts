import { ConfigError } from '@authmux/core'
import { assertSecureBaseURL, isHeaderSafe, isValidHeaderName } from '@authmux/core/provider'
import { checkCookieName, checkCookieOption } from './cookie-value'
import { isAbsoluteURL } from './flow'
import type { SentAsCookies } from './read-tokens'
import type { PasswordLoginConfig } from './types'

/** Who is speaking, in messages. */
interface Label {
  name: string
  packageName: string
}

/**
 * Checks a generic config before anything is sent, each problem a `ConfigError` naming the option (never a value):
 * the base URL (core's rule: absolute, https or loopback http unless `allowInsecureHttp`), absolute step URLs, every
 * header name and value, every cookie name and value. Returns which tokens go into a `Cookie` header, so those are
 * checked as cookie values when they are read.
 */
export function checkConfig(config: PasswordLoginConfig, label: Label): SentAsCookies {
  assertSecureBaseURL(config.baseURL, { allowInsecureHttp: config.allowInsecureHttp, provider: label.name, packageName: label.packageName })
  const steps: Array<[{ url: string; headers?: Record<string, string> } | undefined, string]> = [
    [config.login, 'login'],
    [config.otpStep, 'otpStep'],
    [config.refresh, 'refresh'],
    [config.logoutStep, 'logoutStep'],
  ]
  for (const [step, field] of steps) {
    if (!step) continue
    checkStepURL(step.url, `${field}.url`, label)
    checkHeaders(step.headers, `${field}.headers`, label)
  }
  checkHeaders(config.authHeaders, 'authHeaders', label)
  checkHeaders(config.requestHeaders, 'requestHeaders', label)
  const { attach, otpStep } = config
  if (attach.as === 'header') {
    if (attach.header !== undefined) checkHeaderName(attach.header, 'attach.header', label)
    // The scheme goes in front of the token with one space: a token itself ('Bearer', 'Token'), or '' for none.
    if (attach.scheme !== undefined && attach.scheme !== '' && !isValidHeaderName(attach.scheme)) {
      fail(
        `attach.scheme is not a valid authorization scheme (letters, digits and !#$%&'*+-.^_\`|~, no spaces) — use 'Bearer', 'Token' or '' for the bare token`,
        'attach.scheme',
        label,
      )
    }
  }
  if (otpStep?.otpTokenHeader !== undefined) checkHeaderName(otpStep.otpTokenHeader, 'otpStep.otpTokenHeader', label)
  for (const name of config.credentialHeaders ?? []) checkHeaderName(name, 'credentialHeaders', label)
  return checkCookies(config, label)
}

function fail(message: string, field: string, label: Label): never {
  throw new ConfigError(`${label.packageName}: ${message}.`, { provider: label.name, field })
}

/** A step URL is a path below `baseURL` or an absolute URL (on `baseURL`'s origin or one of `authOrigins`). */
function checkStepURL(url: string, field: string, label: Label): void {
  if (!isAbsoluteURL(url)) return
  try {
    new URL(url)
  } catch {
    fail(`${field} is not a valid URL — use a path below baseURL ('/auth/login') or an absolute https URL`, field, label)
  }
}

function checkHeaderName(name: string, field: string, label: Label): void {
  if (!isValidHeaderName(name)) fail(`${field} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only) — fix the name`, field, label)
}

/**
 * Names and values of a header map: a value must reach the server as is (visible ASCII, inner spaces, not empty).
 * The message names the option, not the header: a name is printed nowhere, in case a value was pasted as a name.
 */
export function checkHeaders(headers: Record<string, string> | undefined, field: string, label: Label): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    checkHeaderName(name, field, label)
    if (typeof value !== 'string' || !isHeaderSafe(value)) {
      fail(
        `${field} has a header whose value cannot be sent as is (empty, padded with spaces, CR, LF, control or non-ASCII characters) — fix the value or leave that header out`,
        field,
        label,
      )
    }
  }
}

/** Every cookie the config names or sets; returns which tokens are sent as cookies. */
function checkCookies(config: PasswordLoginConfig, label: Label): SentAsCookies {
  const { attach, otpStep } = config
  const send = config.refresh?.send
  for (const [name, value] of Object.entries(config.extraCookies ?? {})) {
    checkCookieName(name, 'extraCookies', label)
    checkCookieOption(value, `extraCookies.${name}`, label, 'pass the value exactly as the cookie holds it, or leave it out')
  }
  const names: Array<[string | undefined, string]> = [
    [attach.as === 'cookies' ? attach.access : undefined, 'attach.access'],
    [attach.as === 'cookies' ? attach.refresh : undefined, 'attach.refresh'],
    [send?.as === 'cookies' ? send.access : undefined, 'refresh.send.access'],
    [send?.as === 'cookies' ? send.refresh : undefined, 'refresh.send.refresh'],
    [otpStep?.otpTokenCookie, 'otpStep.otpTokenCookie'],
  ]
  for (const [name, field] of names) if (name !== undefined) checkCookieName(name, field, label)
  return {
    access: attach.as === 'cookies' || (send?.as === 'cookies' && send.access !== undefined),
    refresh: (attach.as === 'cookies' && attach.refresh !== undefined) || send?.as === 'cookies',
    otp: otpStep?.otpTokenCookie !== undefined,
  }
}
