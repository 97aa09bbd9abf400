/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]'

const JWT_PATTERN = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g
const MIN_SECRET_LENGTH = 4

/**
 * Remembers every secret a session has seen and scrubs them from text. JWT-looking strings are always scrubbed,
 * even when they were never registered (a provider may echo a token we have not seen yet).
 */
export class Redactor {
  readonly #secrets = new Set<string>()

  add(value: string | undefined): void {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.#secrets.add(value)
  }

  redact(text: string): string {
    let out = text
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    }
    return out.replace(JWT_PATTERN, REDACTED)
  }

  /** Redacts every string inside a plain value (objects, arrays), returning a copy. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v)
      return out as T
    }
    return value
  }
}
