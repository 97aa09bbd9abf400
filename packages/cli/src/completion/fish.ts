import type { CompletionModel } from './model'

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/** The fish completion script: `authmux completion fish | source`, or saved in `~/.config/fish/completions/`. */
export function fishScript(model: CompletionModel): string {
  const lines = [
    '# fish completion for authmux',
    '# This shell:  authmux completion fish | source',
    '# Every shell: authmux completion fish > ~/.config/fish/completions/authmux.fish',
    'complete -c authmux -f',
    'complete -c authmux -n __fish_use_subcommand -l help -d "Show help"',
    'complete -c authmux -n __fish_use_subcommand -l version -d "Print the version"',
  ]
  for (const command of model.commands) {
    const after = quote(`__fish_seen_subcommand_from ${command.name}`)
    lines.push(`complete -c authmux -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`)
    if (command.words.length) lines.push(`complete -c authmux -n ${after} -a ${quote(command.words.join(' '))}`)
    for (const flag of command.flags) {
      const name = flag.slice(2)
      const value = model.directoryFlags.includes(flag) ? ' -r -a "(__fish_complete_directories)"' : model.valueFlags.includes(flag) ? ' -r' : ''
      lines.push(`complete -c authmux -n ${after} -l ${name}${value}`)
    }
  }
  return `${lines.join('\n')}\n`
}
