/** A fetch that records what each outgoing request carried; the request still goes over real HTTP. */
export function recordingFetch() {
  const sent: Array<{ path: string; method: string; headers: Headers; body: string | undefined }> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({
      path: new URL(String(input instanceof Request ? input.url : input)).pathname,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    })
    return globalThis.fetch(input, init)
  }
  return { fetch, sent }
}
