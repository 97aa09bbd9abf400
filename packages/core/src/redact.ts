import { encodedForms } from './secret-forms'

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]'

const JWT_PATTERN = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g
/**
 * Query parameters that carry credentials by convention (`?api_key=…`, `&access_token=…`, `client_secret`, …): their
 * values are hidden in every URL the engine reports, registered or not.
 */
const CREDENTIAL_QUERY_PATTERN =
  /([?&;](?:api[_-]?key|apikey|key|access[_-]?token|refresh[_-]?token|id[_-]?token|token|auth|authorization|secret|client[_-]?secret|password|passwd|signature|sig|otp|code)=)[^&#\s'"<>]+/gi
const MIN_SECRET_LENGTH = 4

/**
 * Remembers every secret a session has seen and scrubs them from text, in every form a secret travels in: as is,
 * URL-encoded (`%2B` and `+` styles), JSON-escaped and base64/base64url (inside a Basic header, at any offset).
 * JWT-looking strings and credential query parameters are always scrubbed, even when never registered (a provider
 * may echo a token we have not seen yet).
 */
export class Redactor {
  readonly #secrets = new Set<string>()
  /** The secrets and their encoded forms, computed on the first redaction after a secret was added (errors and logs
   * are rare; sessions are many: an idle session holds only the secrets themselves). */
  #forms: string[] | undefined

  add(value: string | undefined): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return
    this.#secrets.add(value)
    this.#forms = undefined
  }

  redact(text: string): string {
    let out = text
    for (const secret of this.#allForms()) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    }
    return out.replace(JWT_PATTERN, REDACTED).replace(CREDENTIAL_QUERY_PATTERN, `$1${REDACTED}`)
  }

  #allForms(): string[] {
    if (!this.#forms) {
      const forms = new Set<string>()
      for (const secret of this.#secrets) {
        forms.add(secret)
        for (const form of encodedForms(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form)
      }
      // Longest first, so a secret inside a longer encoded form does not break the longer match.
      this.#forms = [...forms].sort((a, b) => b.length - a.length)
    }
    return this.#forms
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
