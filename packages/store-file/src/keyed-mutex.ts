/** In-process mutual exclusion per key: callers run one after another, in arrival order. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>()

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    let done!: () => void
    const mine = new Promise<void>((resolve) => {
      done = resolve
    })
    const tail = previous.then(() => mine)
    this.#tails.set(key, tail)
    try {
      await previous
      return await fn()
    } finally {
      done()
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
