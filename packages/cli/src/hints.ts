import { AuthError } from '@authmux/core'
import type { Target } from './context'

/**
 * A next step for a failure whose message alone doesn't say where to look: a 404 or 405 from the provider almost
 * always means the base URL (its path) is wrong.
 */
export function hintFor(error: unknown, target: Target | undefined): string | undefined {
  if (!target || !(error instanceof AuthError)) return undefined
  if (error.status === 404 || error.status === 405) {
    return `Hint: ${target.title} answered HTTP ${error.status} under ${target.baseURL} — check the base URL (its path too): pass --base-url <url>, or see the BASE URL column of \`authmux status\`.`
  }
  return undefined
}
