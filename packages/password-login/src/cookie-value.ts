import { ConfigError } from '@authmux/core'

/**
 * RFC 6265 cookie-octets: US-ASCII except controls, space, `"`, `,`, `;` and `\`
 * (%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E). A value outside it could add or override cookies (`; name=value`),
 * split the header, or make `Headers` throw an error quoting the value.
 */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/

/** RFC 6265 cookie-name (an RFC 7230 token): letters, digits and ``!#$%&'*+-.^_`|~``. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** What a cookie value may hold, for messages (never the value itself). */
export const COOKIE_VALUE_RULE = 'printable ASCII without space, ", comma, ; or \\'

/** True when `value` can be sent as a cookie value as is. */
export const isCookieValue = (value: unknown): value is string => typeof value === 'string' && COOKIE_VALUE.test(value)

/** True when `name` can be sent as a cookie name. */
export const isCookieName = (name: unknown): name is string => typeof name === 'string' && COOKIE_NAME.test(name)

/**
 * A `ConfigError` naming `field` unless `value` is undefined or a valid cookie value. `fix` says what to do; the value
 * never appears in the message.
 */
export function checkCookieOption(value: unknown, field: string, label: { name: string; packageName: string }, fix: string): void {
  if (value !== undefined && !isCookieValue(value)) {
    throw new ConfigError(`${label.packageName}: ${field} is not a valid cookie value (${COOKIE_VALUE_RULE}) — ${fix}.`, {
      provider: label.name,
      field,
    })
  }
}

/** A `ConfigError` naming `field` unless `name` is a valid cookie name. */
export function checkCookieName(name: unknown, field: string, label: { name: string; packageName: string }): void {
  if (!isCookieName(name)) {
    throw new ConfigError(`${label.packageName}: ${field} is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~ only) — fix the name.`, {
      provider: label.name,
      field,
    })
  }
}
