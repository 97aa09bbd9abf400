// Test-only: values that must never show up in anything a user can see.
export const CANARY_API_KEY = 'CANARYKEY-9f1c2e7a'
export const CANARY_SECRET = 'CANARYSECRET-55b0d1'
export const CANARY_PASSWORD = 'CANARYPASS-hunter2x'
/** Every opaque token the test server issues contains one of these markers. */
export const CANARY_MARKERS = [CANARY_API_KEY, CANARY_SECRET, CANARY_PASSWORD, 'CANARYTOK', 'CANARYREF']
