/**
 * True when `address` is the expected sender: a RegExp is tested against the address; a string with `@` is one exact
 * address; a string without `@` is a domain, matching its addresses and those of its subdomains. Case-insensitive.
 */
export function senderMatches(address: string | undefined, from: string | RegExp): boolean {
  if (!address) return false
  const lower = address.toLowerCase()
  if (from instanceof RegExp) return from.test(address)
  if (from.includes('@')) return lower === from
  const domain = lower.slice(lower.lastIndexOf('@') + 1)
  return domain === from || domain.endsWith(`.${from}`)
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * The visible text of an HTML email: head, styles, scripts and comments dropped (a CSS colour like `#333333` is not
 * a code), tags replaced by spaces, the common entities decoded.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity
      const point = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
      return Number.isFinite(point) && point <= 0x10ffff ? String.fromCodePoint(point) : entity
    })
    .replace(/\s+/g, ' ')
}

/** The code in `text`: the pattern's first capture group, or its whole match when it has none. */
export function codeIn(text: string | undefined, pattern: RegExp): string | undefined {
  if (!text) return undefined
  const match = pattern.exec(text)
  if (!match) return undefined
  const code = (match.length > 1 ? match[1] : match[0])?.trim()
  return code || undefined
}
