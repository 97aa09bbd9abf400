import { COMMANDS } from './commands'
import { GLOBAL_HELP } from './context'

/** `authmux --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `Usage: authmux <command> [provider] [options]

Log in once, keep the session encrypted on disk, and let your bots start without logging in.
Providers: axiom, aionmarket, tradeready, projectx, apala.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${GLOBAL_HELP}

Examples:
  authmux login axiom
  authmux status
  authmux env axiom --reveal
  authmux logout projectx

Exit codes: 0 ok, 1 error (login refused, provider unreachable …), 2 usage (unknown flag, missing value without a
terminal). Run \`authmux <command> --help\` for the options and examples of a command.`
}
