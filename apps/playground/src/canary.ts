import { writeSync } from 'node:fs'

/**
 * Test-only: when `AUTHMUX_PLAYGROUND_CANARY_FD` names an open file descriptor (the test's extra pipe), the secrets
 * the run handled are written there as one JSON array, so the test can check that none of them reached stdout or
 * stderr. Without that variable nothing is written anywhere.
 */
export function canarySink(env: Record<string, string | undefined> = process.env): ((secrets: string[]) => void) | undefined {
  const raw = env.AUTHMUX_PLAYGROUND_CANARY_FD
  if (raw === undefined) return undefined
  const fd = Number(raw)
  if (!Number.isInteger(fd) || fd < 3) return undefined
  return (secrets) => {
    writeSync(fd, JSON.stringify(secrets))
  }
}
