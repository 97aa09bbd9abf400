import { version } from '../package.json'

/** The version of `@authmux/cli` (from its package.json, inlined at build time). */
export const VERSION: string = version
