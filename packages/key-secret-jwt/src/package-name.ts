/** The prefix of every message this package writes. */
export const PACKAGE_NAME = '@authmux/key-secret-jwt'
