/** Selects a value from a parsed response body: a dotted path (`'data.token'`) or a function. */
export type FieldSelector<T = unknown, R = unknown> = string | ((data: T) => R)

/** Reads `selector` from `data`; a dotted path walks plain objects and returns undefined when a step is missing. */
export function readField<T, R>(data: T, selector: FieldSelector<T, R>): unknown {
  if (typeof selector === 'function') return selector(data)
  let value: unknown = data
  for (const key of selector.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** A readable name for a selector in error messages. */
export function fieldLabel(selector: FieldSelector<never, unknown>, fallback: string): string {
  return typeof selector === 'string' ? selector : fallback
}
