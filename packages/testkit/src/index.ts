export { startEmulators } from './emulators.js'
export type { Emulators, EmulatorUrls, EmulatorStreamUrls, EmulatorCredentials, Lifetimes, StartEmulatorsOptions, StreamProviderName } from './emulators.js'
export type { EmulatorHandle, StartOptions } from './emulator.js'

export { startAxiomEmulator } from './providers/axiom.js'
export type { AxiomEmulator, AxiomEmulatorOptions, AxiomAccount, AxiomCredentials, AxiomControls } from './providers/axiom.js'
export { startAionMarketEmulator } from './providers/aionmarket.js'
export type {
  AionMarketEmulator,
  AionMarketEmulatorOptions,
  AionMarketAgent,
  AionMarketKey,
  AionMarketCredentials,
  AionMarketControls,
} from './providers/aionmarket.js'
export { startProjectXEmulator } from './providers/projectx.js'
export type { ProjectXEmulator, ProjectXEmulatorOptions, ProjectXCredentials, ProjectXControls, ProjectXLoginErrorCode } from './providers/projectx.js'
export { startTradeReadyEmulator } from './providers/tradeready.js'
export type {
  TradeReadyEmulator,
  TradeReadyEmulatorOptions,
  TradeReadyAccountInput,
  TradeReadyCredentials,
  TradeReadyControls,
} from './providers/tradeready.js'
export { startApalaEmulator } from './providers/apala.js'
export type { ApalaEmulator, ApalaEmulatorOptions, ApalaKey, ApalaCredentials, ApalaControls } from './providers/apala.js'

export { createClock } from './clock.js'
export type { VirtualClock, VirtualClockOptions } from './clock.js'
export type { Fault, FaultShorthand, FaultRule, FaultController, InjectedFault } from './faults.js'
export type { RequestLog, RequestLogEntry, RequestLogFilter } from './request-log.js'
export type { StatsController, ProviderStats } from './stats.js'
export type { Inbox, InboxMessage } from './inbox.js'
// Real mail for tests of one-time-code readers: RFC 5322 messages, Maildir delivery, a Dovecot IMAP server.
export { startDovecot } from './mail/dovecot.js'
export type { StartDovecotOptions, TestImapServer, TestMailbox } from './mail/dovecot.js'
export { deliverToMaildir } from './mail/maildir.js'
export type { MaildirDeliveryOptions } from './mail/maildir.js'
export { buildMailMessage } from './mail/message.js'
export type { MailMessageInput } from './mail/message.js'
export { AXIOM_MAIL_FROM } from './mail/axiom-mail.js'
export type { RateLimit } from './rate-limiter.js'
export { axiomB64Password, AXIOM_PASSWORD_SALT_HEX, AXIOM_PASSWORD_ITERATIONS } from './axiom-password.js'
export { credentialTag } from './streams/log.js'
export type {
  StreamLog,
  StreamLogEntry,
  StreamLogFilter,
  StreamCredential,
  StreamCredentialState,
  StreamSubscriptionEntry,
} from './streams/log.js'
export type { StreamControls, DropOptions, RefuseUpgradesOptions, UpgradeRefusal } from './streams/host.js'
export type { TradeReadyStreams, TradeReadyStreamOptions, TradeReadyTick } from './streams/tradeready.js'
export type { AxiomStreams, AxiomStreamOptions } from './streams/axiom.js'
export type { ProjectXStreams, ProjectXStreamOptions, ProjectXHub, ProjectXUserEvent, ProjectXMarketEvent } from './streams/projectx.js'
export { PROVIDERS } from './types.js'
export type { ProviderName, CredentialKind } from './types.js'
export { startHostileServer, createGate, sendJson, json, hang, cutBody, redirect, unsignedJwt, watch, renderError } from './hostile.js'
export type { HostileServer, HostileRequest, HostileHandler, Gate, JsonAnswerOptions, CutBodyOptions, Watched } from './hostile.js'
