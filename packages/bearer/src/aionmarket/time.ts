/** AionMarket timestamps arrive as ms strings, numbers or ISO text; returns epoch ms or undefined. */
export function toEpochMs(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}
