import { z } from 'zod'

/** A `TokenSet` as it may be imported or read back from a store. */
export const tokenSetSchema = z.object({
  accessToken: z.string().min(1, 'accessToken must be a non-empty string'),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().finite().optional(),
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
})
