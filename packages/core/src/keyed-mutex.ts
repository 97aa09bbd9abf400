/** Runs `fn` once every earlier call with the same key has settled. */
export type KeyedMutex = <T>(key: string, fn: () => Promise<T>) => Promise<T>

/**
 * In-process mutual exclusion per key: callers run one after another, in arrival order. For `TokenStore`
 * implementations (`withLock` within one process; `MemoryTokenStore` and the file store use it).
 */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>()
  return (key, fn) => {
    const result = (tails.get(key) ?? Promise.resolve()).then(fn)
    const tail = result.then(
      () => {},
      () => {},
    )
    tails.set(key, tail)
    tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return result
  }
}
