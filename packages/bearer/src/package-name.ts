/** Prefix of every message this package produces. */
export const PACKAGE_NAME = '@authmux/bearer'
