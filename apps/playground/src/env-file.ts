import { readFileSync } from 'node:fs'

/**
 * Reads `KEY=value` lines of a `.env` file (comments, blank lines, `export ` prefixes and quotes allowed). Returns
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
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    let value = match[2]!.trim()
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1)
    else value = value.replace(/\s+#.*$/, '')
    out[match[1]!] = value
  }
  return out
}
