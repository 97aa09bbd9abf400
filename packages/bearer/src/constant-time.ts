/**
 * Compares two byte strings in time that depends only on `expected.length`, not on where they differ. A length
 * mismatch is still compared over the full expected length before returning false.
 */
export function constantTimeEqual(expected: Uint8Array, given: Uint8Array): boolean {
  let diff = expected.length ^ given.length
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ (given[i % Math.max(given.length, 1)] ?? 0)
  return diff === 0
}
