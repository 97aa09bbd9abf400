import { ResponseShapeError } from '@authmux/core'
import type { z } from 'zod'
import { PACKAGE_NAME } from './package-name'

/** Validates `data` with `schema`; a mismatch is a `ResponseShapeError` naming the first offending field. */
export function parseBody<S extends z.ZodType>(schema: S, data: unknown, provider: string, what: string): z.infer<S> {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  // A failed parse always has at least one issue.
  const issue = result.error.issues[0]!
  const field = issue.path.map(String).join('.')
  throw new ResponseShapeError(
    `${PACKAGE_NAME}: the ${provider} ${what} response has an unexpected shape at '${field || '(body)'}' (${issue.message}) — check baseURL points at the right API version.`,
    { provider, field },
  )
}
