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
  -v, --version           Print the version

Examples:
  authmux login axiom
  authmux status
  authmux env axiom --reveal
  authmux logout projectx
  source <(authmux completion bash)

Exit codes: 0 ok · 1 error (login refused, provider unreachable, a check failed) · 2 usage (unknown command, flag
or provider; a missing value without a terminal) · 3 no stored session · 4 stored session unreadable (wrong store
key, corrupt file). Run \`authmux <command> --help\` for the options and examples of a command.`
}
