import { ResponseShapeError } from '@authmux/core'
import type { z } from 'zod'

/** Validates `data` with `schema`; a mismatch is a `ResponseShapeError` naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, data: unknown, where: { packageName: string; provider: string; what: string }): z.infer<S> {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue ? issue.path.map(String).join('.') : ''
  const problem = issue ? issue.message : 'unexpected shape'
  throw new ResponseShapeError(
    `${where.packageName}: the ${where.provider} ${where.what} response has an unexpected shape at '${field || '(body)'}' (${problem}). ` +
      'Check baseURL points at the right API version.',
    { provider: where.provider, field },
  )
}
