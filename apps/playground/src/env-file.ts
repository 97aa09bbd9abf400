import { readFileSync } from 'node:fs'
import { parseDotEnv } from '@authmux/key-secret-jwt/node'

/**
 * Reads a `.env` file (parsed like ProjectX's `fromEnv` reads one: comments, `export ` prefixes, quotes). Returns
 * undefined when the file does not exist. Values are returned, never printed.
 */
export function readEnvFile(path: string): Record<string, string> | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`playground: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  return parseDotEnv(text)
}
