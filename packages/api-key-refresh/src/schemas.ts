import { z } from 'zod'

const seconds = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
])
const metaValue = z.union([z.string(), z.number(), z.boolean(), z.null()])

/** The exchange (`api key → tokens`) response: OAuth-style snake_case fields, extra fields kept for `metaFields`. */
export const exchangeResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
  expires_in: seconds.optional(),
  expires_at: z.union([z.string(), z.number()]).optional(),
})

/** The refresh response: a new access token; a new refresh token only when the provider rotates it. */
export const refreshResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: seconds.optional(),
  expires_at: z.union([z.string(), z.number()]).optional(),
})

/** Picks the configured non-secret fields of a response into `TokenSet.meta`. */
export function pickMeta(
  body: Record<string, unknown>,
  fields: Readonly<Record<string, string>>,
): Record<string, string | number | boolean | null> | undefined {
  const meta: Record<string, string | number | boolean | null> = {}
  let found = false
  for (const [from, to] of Object.entries(fields)) {
    const parsed = metaValue.safeParse(body[from])
    if (parsed.success) {
      meta[to] = parsed.data
      found = true
    }
  }
  return found ? meta : undefined
}
