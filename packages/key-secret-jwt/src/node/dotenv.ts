/**
 * Parses a small `.env` file: `KEY=VALUE` lines, optional `export ` prefix, `#` comments (whole line, or after an
 * unquoted value), single quotes (literal) and double quotes (`\n`, `\t`, `\"`, `\\` escapes). Later keys win.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    const [, key, rest = ''] = match
    result[key!] = parseValue(rest)
  }
  return result
}

function parseValue(rest: string): string {
  const quote = rest[0]
  if (quote === '"' || quote === "'") {
    const end = findClosingQuote(rest, quote)
    if (end > 0) {
      const inner = rest.slice(1, end)
      return quote === "'" ? inner : unescapeDouble(inner)
    }
  }
  const comment = rest.search(/\s#/)
  return (comment >= 0 ? rest.slice(0, comment) : rest).trim()
}

function findClosingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (quote === '"' && value[i] === '\\') {
      i++
      continue
    }
    if (value[i] === quote) return i
  }
  return -1
}

function unescapeDouble(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char === 'r' ? '\r' : char === 't' ? '\t' : char))
}
