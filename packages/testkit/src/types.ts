/** The five emulated providers. */
export type ProviderName = 'axiom' | 'aionmarket' | 'projectx' | 'tradeready' | 'apala'

/** Every provider name, in a stable order. */
export const PROVIDERS: readonly ProviderName[] = ['axiom', 'aionmarket', 'projectx', 'tradeready', 'apala']

/**
 * Which credential a request presented (or, when the emulator authenticated it, which one was accepted).
 * `body` means credentials in the JSON body of a login/exchange call; `query` a token in the query string (ProjectX
 * hub negotiate with `?access_token=`).
 */
export type CredentialKind = 'none' | 'bearer' | 'x-api-key' | 'cookie' | 'body' | 'query'
