import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { CredentialKind, ProviderName } from './types.js'
import type { RequestKind } from './stats.js'

/** A parsed request handed to a provider emulator. */
export interface EmulatorRequest {
  method: string
  /** Full path on the origin, without query string. */
  path: string
  query: URLSearchParams
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>
  cookies: Record<string, string>
  /** Raw body text. */
  rawBody: string
  /** Parsed JSON body; `undefined` when empty or not JSON (see `bodyInvalid`). */
  body: unknown
  /** The body was present but not valid JSON. */
  bodyInvalid: boolean
  /** Remote address (per-IP rate limits). */
  ip: string
  /** Path parameters of the matched route. */
  params: Record<string, string>
  /** Set by a handler to record which credential it accepted. */
  credential?: CredentialKind
}

/** What a provider handler answers. */
export interface EmulatorResponse {
  status: number
  /** JSON body (serialised by the pipeline). Omit for an empty body. */
  body?: unknown
  /** Raw body text instead of JSON. */
  raw?: string
  /** Content-Type of `raw` (default text/plain). */
  contentType?: string
  headers?: Record<string, string>
  /** Set-Cookie values. */
  cookies?: string[]
}

/** A provider emulator as the HTTP pipeline sees it. */
export interface ProviderDefinition {
  readonly name: ProviderName
  /** Path prefix of the provider's API on its origin ('' for the root). */
  readonly basePath: string
  /** Which counter the request feeds. */
  kindOf(method: string, path: string): RequestKind
  /** Answer a request. */
  handle(request: EmulatorRequest): Promise<EmulatorResponse>
  /** Provider-shaped body for an injected status fault. */
  faultBody(status: number): unknown
  /** The provider's realtime endpoints (WebSocket upgrades on the same origin), if it has any. */
  readonly streams?: UpgradeListener
}

/** What the HTTP server needs from a provider's realtime endpoints. */
export interface UpgradeListener {
  /** Called once the origin is listening (`http://127.0.0.1:PORT`), so stream URLs can be reported. */
  attach(origin: string): void
  /** An HTTP upgrade request arrived on the provider's origin. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Close every open socket and stop every timer (the server is shutting down). */
  close(): void
}
