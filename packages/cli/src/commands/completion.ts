import { bashScript } from '../completion/bash'
import { fishScript } from '../completion/fish'
import { completionModel, SHELLS, type Shell } from '../completion/model'
import { zshScript } from '../completion/zsh'
import type { Command } from '../context'
import { UsageError } from '../errors'
import { didYouMean } from '../suggest'
import { COMMANDS } from './index'

const HELP = `Usage: authmux completion <bash|zsh|fish>

Prints a completion script for your shell: commands, providers and each command's flags (Tab after \`authmux \`).

  bash   source <(authmux completion bash)                 # this shell; put the line in ~/.bashrc to keep it
  zsh    source <(authmux completion zsh)                  # in ~/.zshrc, after compinit
  fish   authmux completion fish > ~/.config/fish/completions/authmux.fish

Examples:
  authmux completion bash > ~/.local/share/bash-completion/completions/authmux
  authmux completion zsh > "\${fpath[1]}/_authmux"`

const WRITERS: Record<Shell, typeof bashScript> = { bash: bashScript, zsh: zshScript, fish: fishScript }

export const completion: Command = {
  name: 'completion',
  summary: 'Print a shell completion script (bash, zsh, fish)',
  help: HELP,
  options: {},
  positional: 'shell',
  async run(ctx) {
    const shell = ctx.positionals[0]
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}".`, { command: 'completion' })
    if (!isShell(shell)) {
      const what = shell === undefined ? 'which shell?' : `no completion for "${shell}"${didYouMean(shell, SHELLS) || '.'}`
      throw new UsageError(`${what} Name one of: ${SHELLS.join(', ')}.`, { command: 'completion' })
    }
    ctx.out.print(WRITERS[shell](completionModel(COMMANDS)).replace(/\n$/, ''))
    return 0
  },
}

function isShell(value: string | undefined): value is Shell {
  return (SHELLS as readonly (string | undefined)[]).includes(value)
}
