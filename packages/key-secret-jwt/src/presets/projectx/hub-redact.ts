import { type ILogger, LogLevel } from '@microsoft/signalr'

const REDACTED = '[REDACTED]'
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g
const TOKEN_QUERY = /([?&;](?:access_token|token)=)[^&#\s'"<>]+/gi
const BEARER = /(Bearer\s+)[^\s'",]+/gi
/** Tokens remembered for redaction: the last few handed to the client (older ones are long gone from its messages). */
const REMEMBERED = 8

/**
 * Scrubs the hub's tokens out of text: every token the hub handed to SignalR (as is and URL-encoded), any JWT, any
 * `access_token=` value, any `Bearer` value. SignalR's own log lines carry the socket URL, which in a browser (and
 * here, in Node) holds the token.
 */
export class HubRedactor {
  readonly #tokens: string[] = []

  add(token: string): void {
    if (this.#tokens.includes(token)) return
    this.#tokens.push(token)
    if (this.#tokens.length > REMEMBERED) this.#tokens.shift()
  }

  redact(text: string): string {
    let out = text
    for (const token of this.#tokens) {
      for (const form of [token, encodeURIComponent(token)]) if (out.includes(form)) out = out.split(form).join(REDACTED)
    }
    return out.replace(JWT, REDACTED).replace(TOKEN_QUERY, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`)
  }

  /** A copy of plain values (strings, arrays, plain objects) with every string redacted. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item)) as T
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.redactValue(item)])) as T
    }
    return value
  }
}

/** The console, from `minimum` up (SignalR's `ConsoleLogger`, which it does not export). */
function consoleLogger(minimum: LogLevel): ILogger {
  return {
    log(level, message) {
      if (level < minimum || minimum === LogLevel.None) return
      const line = `[${new Date().toISOString()}] ${LogLevel[level]}: ${message}`
      if (level >= LogLevel.Error) console.error(line)
      else if (level === LogLevel.Warning) console.warn(line)
      else console.info(line)
    },
  }
}

/** A SignalR logger that redacts every line before `target` (an `ILogger`, or a level for the console) sees it. */
export function redactingLogger(target: ILogger | LogLevel, redactor: HubRedactor): ILogger {
  const logger = typeof target === 'number' ? consoleLogger(target) : target
  return { log: (level, message) => logger.log(level, redactor.redact(message)) }
}
