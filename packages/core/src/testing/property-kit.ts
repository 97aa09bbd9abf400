// Test-only: the shared kit of the provider packages' property tests (issue 12) — what a valid outcome is (token sets,
// credentials, header values, typed errors without secrets) and the arbitrary inputs (tricky strings and numbers,
// almost-right response bodies, JWTs). Each package's parsers.property.test.ts creates one with its canary secret.
import { Buffer } from 'node:buffer'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { AuthError } from '../errors'
import type { Session } from '../session'
import type { TokenStore } from '../types'

/** The kit for one package: `KEY` is its canary secret, `store` the store its strategies share. */
export function createPropertyKit(KEY: string, store: () => TokenStore) {
  // ── what a valid outcome is ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Why `value` can't be sent as a credential ('' when it can): a non-empty string of visible ASCII, inner spaces allowed
   * (the engine's header-safe rule; cookie values are checked more strictly where tokens travel as cookies).
   */
  function credentialProblem(value: unknown): string {
    if (typeof value !== 'string') return `is not a string (${typeof value})`
    if (value === '') return 'is empty'
    if (value.trim() !== value) return 'has leading or trailing whitespace (Headers.set trims it: another credential would be sent)'
    return charProblem(value, /[\x20-\x7e]/)
  }

  /** The first character of `value` outside `allowed`, named and explained ('' when there is none). */
  function charProblem(value: string, allowed: RegExp): string {
    for (const ch of value) {
      if (allowed.test(ch)) continue
      const code = ch.codePointAt(0)!
      const kind =
        code > 0xff
          ? 'beyond Latin-1: Headers.set throws and echoes the value'
          : code >= 0x80
            ? 'non-ASCII Latin-1: sent as a raw byte'
            : code === 0x20
              ? 'a space'
              : 'a control character: Headers.set throws or the header is split'
      return `contains U+${code.toString(16).padStart(4, '0')} (${kind})`
    }
    return ''
  }

  /** Why a header value would not reach the server as meant ('' when it would): visible ASCII and inner spaces. */
  function headerValueProblem(value: string): string {
    if (value.trim() !== value || value === '') return `${JSON.stringify(value)} is empty or padded`
    const problem = charProblem(value, /[\x20-\x7e]/)
    return problem && `header value ${JSON.stringify(value)} ${problem}`
  }

  /** Problems of a token set a parser or session produced ([] when it is valid). `credentials`: check header safety too. */
  function tokenSetProblems(tokens: { accessToken?: unknown; refreshToken?: unknown; expiresAt?: unknown; meta?: unknown }, credentials: boolean): string[] {
    const problems: string[] = []
    const check = (name: string, value: unknown) => {
      const problem = credentials ? credentialProblem(value) : typeof value === 'string' && value !== '' ? '' : `is ${JSON.stringify(value)}`
      if (problem) problems.push(`${name} ${problem}`)
    }
    check('accessToken', tokens.accessToken)
    if (tokens.refreshToken !== undefined) check('refreshToken', tokens.refreshToken)
    const { expiresAt } = tokens
    if (expiresAt !== undefined && !(typeof expiresAt === 'number' && Number.isFinite(expiresAt))) problems.push(`expiresAt is ${String(expiresAt)}`)
    if (tokens.meta !== undefined) {
      for (const [key, value] of Object.entries(tokens.meta as object)) {
        if (value !== null && !['string', 'boolean'].includes(typeof value) && !(typeof value === 'number' && Number.isFinite(value))) {
          problems.push(`meta.${key} is ${String(value)}`)
        }
      }
    }
    return problems
  }

  function describeError(error: unknown): string {
    if (error instanceof Error) {
      const code = (error as { code?: unknown }).code
      return `${error.name}${code === undefined ? '' : `(${String(code)})`}: ${error.message}`
    }
    return `a thrown ${typeof error}: ${String(error)}`
  }

  function renderings(value: unknown, depth = 0): string[] {
    const out = [JSON.stringify(value) ?? '', inspect(value, { depth: 6 }), String(value)]
    if (value instanceof Error) {
      out.push(value.message, value.stack ?? '')
      const cause = (value as { cause?: unknown }).cause
      if (cause !== undefined && depth < 4) out.push(...renderings(cause, depth + 1))
    }
    return out
  }

  /** The canary-carrying values among `values`: only those are checked for leaks (a key like 'null' shows up anyway). */
  const secretsOf = (...values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string' && v.includes('CANARY'))

  /** Fails unless `error` is an AuthError subclass with a specific code and no secret in any rendering. */
  function expectTypedError(error: unknown, where: string, secrets: string[] = [KEY]): void {
    if (!(error instanceof AuthError)) throw new Error(`${where} threw a non-AuthError: ${describeError(error)}`)
    if (error.code === 'UNEXPECTED') throw new Error(`${where} threw the catch-all AuthError(UNEXPECTED), not a specific type: ${error.message}`)
    for (const text of renderings(error)) {
      for (const secret of secrets) if (secret && text.includes(secret)) throw new Error(`${where}: ${error.name} shows a secret: ${text.slice(0, 300)}`)
    }
  }

  async function settle<T>(fn: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    try {
      return { ok: true, value: await fn() }
    } catch (error) {
      return { ok: false, error }
    }
  }

  /**
   * Checks what a session holds after a successful login/refresh: its token (and the stored set) valid and
   * header-safe, `expiresAt` finite, and every header `getHeaders()` builds visible ASCII (or a typed refusal).
   */
  async function expectUsableSession(session: Session, where: string, urls: string[] = ['/x'], secrets: string[] = []): Promise<void> {
    const stored = await session.storeKey().then((key) => store().get(key))
    const problems = [
      ...tokenSetProblems({ accessToken: session.accessToken, expiresAt: session.expiresAt, meta: session.meta }, true),
      ...(stored ? tokenSetProblems(stored, true).map((p) => `stored ${p}`) : []),
    ]
    if (problems.length > 0) throw new Error(`${where} accepted an unusable token set: ${problems.join('; ')} — expected a typed error`)
    for (const url of urls) {
      const headers = await settle(() => session.getHeaders({ url }))
      if (!headers.ok) {
        expectTypedError(headers.error, `${where} → getHeaders(${url})`, secrets)
        continue
      }
      for (const [name, value] of Object.entries(headers.value)) {
        const problem = headerValueProblem(value)
        if (problem) throw new Error(`${where} → getHeaders(${url}) builds ${name}: ${problem}`)
      }
    }
  }

  // ── arbitrary inputs ────────────────────────────────────────────────────────────────────────────────────────────

  /** Strings that break naive code: CR/LF, NUL, cookie/header syntax, Latin-1 and beyond, numbers as text, the key. */
  const trickyString: fc.Arbitrary<string> = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\r\n', '\n', '\r', '\0', '\t', ' ', '; evil=1', ',', '"', 'é', 'ÿ', '€', '\u2028', '😀', '%0d%0a', 'Bearer '),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, b, c]) => a + b + c),
    fc.constantFrom('', ' ', 'null', 'undefined', 'NaN', 'Infinity', '-1', '1e308', '0', 'never', '2026-13-45T99:99:99Z', KEY),
  )

  /** Numbers at the edges; non-finite ones travel over HTTP as 1e999 (JSON.parse gives Infinity). */
  const trickyNumber: fc.Arbitrary<number> = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, -1, 1e308, -1e308, 1e306, 1e21, 2 ** 53 + 2, 5e-324, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1.5),
  )

  /** Provider messages, sometimes echoing the configured key (some APIs do: the client must redact it). */
  const messageArb = fc.oneof({ weight: 3, arbitrary: trickyString }, { weight: 1, arbitrary: fc.constant(`invalid api key ${KEY}`) })

  const anyValue: fc.Arbitrary<unknown> = fc.oneof(
    trickyString,
    trickyNumber,
    trickyNumber.map(String),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(trickyString, { maxLength: 2 }),
    fc.dictionary(trickyString, trickyString, { maxKeys: 2 }),
  )

  /** `good` most of the time, anything else otherwise, sometimes absent. */
  const field = (good: fc.Arbitrary<unknown>) =>
    fc.option(fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: anyValue }), { nil: undefined, freq: 6 })

  /** An object with the real field names, each of the right type or not, plus sometimes an extra field. */
  function almost(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
    const fields = Object.fromEntries(Object.entries(shape).map(([name, good]) => [name, field(good)]))
    return fc
      .tuple(fc.record(fields), fc.dictionary(trickyString, anyValue, { maxKeys: 1 }))
      .map(([known, extra]) => Object.fromEntries(Object.entries({ ...extra, ...known }).filter(([, v]) => v !== undefined)))
  }

  /** JSON text that keeps non-finite numbers as 1e999 (what a server may really send). */
  function jsonText(value: unknown): string {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `__nonfinite_${v}__` : v))
    return (text ?? '').replace(/"__nonfinite_(-?Infinity|NaN)__"/g, (_m, v: string) => (v === 'NaN' ? 'null' : v.startsWith('-') ? '-1e999' : '1e999'))
  }

  /** A JSON value as it arrives after the wire: what JSON.parse makes of jsonText (Infinity kept, NaN as null). */
  const overTheWire = (value: unknown): unknown => {
    const text = jsonText(value)
    return text === '' ? undefined : JSON.parse(text)
  }

  const base64url = (text: string) => Buffer.from(text).toString('base64url')
  const nowSeconds = Math.floor(Date.now() / 1000)
  /** JWT-shaped tokens with any `exp`/`iat` (absurd, negative, in the past, textual …) — or a sane one. */
  const jwtArb: fc.Arbitrary<string> = fc
    .record({
      exp: fc.option(fc.oneof(fc.integer({ min: nowSeconds - 3_600, max: nowSeconds + 86_400 }), trickyNumber, trickyString), { nil: undefined }),
      iat: fc.option(fc.oneof(fc.constant(nowSeconds), trickyNumber), { nil: undefined }),
    })
    .map((claims) => `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(jsonText(claims))}.c2ln`)
  /** Tokens as a provider might send them: opaque, JWT-shaped, or tricky. */
  const tokenArb: fc.Arbitrary<string> = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('tok_0123456789abcdef', 'a.b.c') },
    { weight: 3, arbitrary: jwtArb },
    { weight: 3, arbitrary: trickyString },
  )
  /** Absolute expiry values: ISO text, epoch seconds/ms, far future, nonsense. */
  const expiresAtArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59Z', 'never', '', 1e308, 8.64e15, -1, 0),
    fc.integer({ min: nowSeconds - 3_600, max: nowSeconds + 86_400 }),
    trickyNumber,
    trickyString,
  )
  return {
    credentialProblem,
    charProblem,
    headerValueProblem,
    tokenSetProblems,
    describeError,
    renderings,
    secretsOf,
    expectTypedError,
    settle,
    expectUsableSession,
    trickyString,
    trickyNumber,
    messageArb,
    anyValue,
    field,
    almost,
    jsonText,
    overTheWire,
    base64url,
    nowSeconds,
    jwtArb,
    tokenArb,
    expiresAtArb,
  }
}
