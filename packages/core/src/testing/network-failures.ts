// Test-only: the network failures a request can meet, each on loopback (or a `.invalid` name, which RFC 6761 keeps
// from ever resolving — no packet reaches the internet), and one check that the error a user gets for them is typed,
// names the reason and shows no secret. Shared by core's and every provider package's failure tests.
import { createServer, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { expect } from 'vitest'
import { AuthError, NetworkError, TimeoutError } from '../errors'

/**
 * A throwaway self-signed certificate for 127.0.0.1/localhost that expired on 2 January 2020, and its key: a loopback
 * https server with it makes every client fail the handshake with "certificate has expired". Never used for anything
 * else.
 */
const EXPIRED_CERT = `-----BEGIN CERTIFICATE-----
MIIBYTCCAQigAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwHhcNMjAwMTAxMDAwMDAwWhcNMjAwMTAyMDAwMDAwWjAUMRIwEAYDVQQDDAls
b2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQWrTIDHhBmnvQ9YQcF
F4vbXPReXOkyShziSFzPq8TVvOqtL8kbWBR6Si/zsKFV+A3bsKfPoQR1n/aoxDvx
do5Zo0swSTAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwDAYDVR0TBAUwAwEB
/zAdBgNVHQ4EFgQUDqxzR4gmnnMInbJISR7LXq4vqAMwCgYIKoZIzj0EAwIDRwAw
RAIgNoeEqzWV/QdzDENDxgEQSVFTpfRfP95dI7ukR+Rx8WwCIGREEwmkuD/L68Qj
2FGUiyUJQ+Sc4sm4B+5r4OLQSwJn
-----END CERTIFICATE-----
`
const EXPIRED_CERT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOURihMlXLWC3yg0B
aOWRBH9OJgb2W21z23J6BYCAydyhRANCAAQWrTIDHhBmnvQ9YQcFF4vbXPReXOky
ShziSFzPq8TVvOqtL8kbWBR6Si/zsKFV+A3bsKfPoQR1n/aoxDvxdo5Z
-----END PRIVATE KEY-----
`

/** The time limit (ms) the scenarios' strategies get, for auth calls and requests alike. */
export const SCENARIO_TIMEOUT_MS = 200

/** One way for a request to fail, and what the user must see. */
export interface NetworkFailureScenario {
  name: 'refused' | 'dns' | 'timeout' | 'tls'
  /** The origin to give a strategy as its base URL (add the provider's base path). */
  origin: string
  /** The class the failure must be (an `AuthError` subclass). */
  errorClass: typeof NetworkError | typeof TimeoutError
  /** What the message must say about the reason. */
  reason: RegExp
  /** The `code` of the error kept as `cause` (the system error naming the reason), for network failures. */
  causeCode?: RegExp
  /** How many connections reached the server (the timeout and TLS ones; refused and DNS have none). */
  connections(): number
}

export interface NetworkFailureScenarios {
  all: NetworkFailureScenario[]
  close(): Promise<void>
}

/**
 * Starts the scenarios: a port nothing listens on (its server was closed), a `.invalid` host, a server that accepts
 * and never answers, and an https server with an expired certificate.
 */
export async function startNetworkFailureScenarios(): Promise<NetworkFailureScenarios> {
  const closed = await listen(createServer())
  const refusedPort = closed.port
  await closed.close()

  const hanging = await listen(createServer(() => {}))
  const tls = await listen(createTlsServer({ cert: EXPIRED_CERT, key: EXPIRED_CERT_KEY }, (_req, res) => res.end('{}')))
  const invalidHost = `authmux-test-${process.pid}.invalid`
  return {
    all: [
      {
        name: 'refused',
        origin: `http://127.0.0.1:${refusedPort}`,
        errorClass: NetworkError,
        reason: new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${refusedPort}`),
        causeCode: /^ECONNREFUSED$/,
        connections: () => 0,
      },
      {
        name: 'dns',
        origin: `https://${invalidHost}`,
        errorClass: NetworkError,
        // ENOTFOUND from a resolver that answers; EAI_AGAIN on a machine without any DNS server.
        reason: new RegExp(`(ENOTFOUND|EAI_AGAIN) ${invalidHost.replace(/\./g, '\\.')}`),
        causeCode: /^(ENOTFOUND|EAI_AGAIN)$/,
        connections: () => 0,
      },
      {
        name: 'timeout',
        origin: `http://127.0.0.1:${hanging.port}`,
        errorClass: TimeoutError,
        reason: new RegExp(`did not answer http://127\\.0\\.0\\.1:${hanging.port}/\\S* within ${SCENARIO_TIMEOUT_MS} ms`),
        connections: hanging.connections,
      },
      {
        name: 'tls',
        origin: `https://127.0.0.1:${tls.port}`,
        errorClass: NetworkError,
        reason: /certificate has expired \(CERT_HAS_EXPIRED\)/,
        causeCode: /^CERT_HAS_EXPIRED$/,
        connections: tls.connections,
      },
    ],
    close: async () => {
      await Promise.all([hanging.close(), tls.close()])
    },
  }
}

/**
 * Checks the error a user got for `scenario`: an `AuthError` of the scenario's class with its code, the reason in the
 * message, the system error as `cause` (network failures), and none of `secrets` in anything that shows it.
 */
export function expectScenarioError(error: unknown, scenario: NetworkFailureScenario, secrets: readonly string[]): void {
  expect(error).toBeInstanceOf(AuthError)
  expect(error).toBeInstanceOf(scenario.errorClass)
  const failure = error as AuthError
  expect(failure.code).toBe(scenario.errorClass === TimeoutError ? 'TIMEOUT' : 'NETWORK_ERROR')
  expect(failure.message).toMatch(scenario.reason)
  if (scenario.causeCode) expect((failure.cause as { code?: string } | undefined)?.code).toMatch(scenario.causeCode)
  const shown = render(error)
  for (const secret of secrets) expect(shown).not.toContain(secret)
}

/** Everything a user could print of an error: String, inspect (hidden properties too), JSON, and the cause chain. */
function render(error: unknown, depth = 0): string {
  const parts = [String(error), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error) ?? '']
  if (error instanceof Error) {
    parts.push(error.message, error.stack ?? '')
    if (error.cause !== undefined && depth < 6) parts.push(render(error.cause, depth + 1))
  }
  return parts.join('\n')
}

async function listen(server: Server): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0
  server.on('connection', () => connections++)
  // The TLS server's failed handshakes are the point: keep them from being reported as unhandled.
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
