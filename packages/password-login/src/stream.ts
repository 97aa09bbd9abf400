// `@authmux/password-login/stream`: the Axiom preset with its realtime feed (`connectWebSocket`). Its own entry, so a
// bot that only makes HTTP calls never ships the stream code (the size gate's Axiom row measures the main entry).
export { createAxiomAuth } from './presets/axiom-stream'
export type { AxiomStreamAuth, AxiomStreamAuthOptions, AxiomWebSocket, AxiomWebSocketOptions } from './presets/axiom-stream'
export { AXIOM_STREAM_URLS, AXIOM_STREAM_USER_AGENT } from './presets/axiom-flow'
