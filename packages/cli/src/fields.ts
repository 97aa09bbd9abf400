/** One value a provider needs, and every way the CLI can get it. */
export interface FieldSpec {
  /** Name of the value in the provider's options. */
  key: 'email' | 'password' | 'otp' | 'apiKey' | 'apiSecret' | 'username' | 'accessToken' | 'refreshToken'
  /** Human name used in prompts and errors ("Axiom email"). */
  label: string
  /** A secret: hidden prompt, never printed, never accepted as a plain flag value (use the `-stdin` flag). */
  secret: boolean
  /** Flag that takes the value itself (`--email you@example.com`). Only for non-secrets and one-time codes. */
  flag?: string
  /** Flag that makes the CLI read the value as the next line of stdin (`--password-stdin`). */
  stdinFlag?: string
  /** Environment variable the preset reads (`AXIOM_PASSWORD`). */
  env?: string
}

/** Every flag that carries a provider value, for the argument parser. */
export function fieldFlags(fields: readonly FieldSpec[]): Record<string, { type: 'string' | 'boolean' }> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {}
  for (const field of fields) {
    if (field.flag) options[field.flag] = { type: 'string' }
    if (field.stdinFlag) options[field.stdinFlag] = { type: 'boolean' }
  }
  return options
}

/** "--password-stdin, or set AXIOM_PASSWORD" — every non-interactive way to give `field`. */
export function waysToGive(field: FieldSpec): string {
  const ways: string[] = []
  if (field.flag) ways.push(`--${field.flag} <value>`)
  if (field.stdinFlag) ways.push(`--${field.stdinFlag} (one line on stdin)`)
  const flags = ways.join(' or ')
  if (field.env) return flags ? `pass ${flags}, or set ${field.env}` : `set ${field.env}`
  return `pass ${flags}`
}
