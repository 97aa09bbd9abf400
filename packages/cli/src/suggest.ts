/**
 * Edit distance between two words, counting a swap of two neighbouring letters as one edit (so `emial` is one edit
 * from `email`, like a typo feels).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The candidate closest to `input`, when it is close enough to be a typo: at most one edit for short words, one per
 * three letters for longer ones. A candidate that starts with `input` (`stat` → `status`) counts as close too.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase()
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = candidate.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word, candidate.toLowerCase())
    if (!best || distance < best.distance) best = { candidate, distance }
  }
  if (!best) return undefined
  return best.distance <= Math.max(1, Math.floor(word.length / 3)) ? best.candidate : undefined
}

/** ` — did you mean "axiom"?` when a candidate is close to `input`, else an empty string. */
export function didYouMean(input: string, candidates: readonly string[], quote = (s: string) => `"${s}"`): string {
  const match = closest(input, candidates)
  return match ? ` — did you mean ${quote(match)}?` : ''
}
