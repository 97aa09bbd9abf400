/** A copy of `value` without its `undefined` properties (so optional fields are absent, not present-but-undefined). */
export function omitUndefined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}
