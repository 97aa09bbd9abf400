import type { CompletionModel } from './model'

const describe = (name: string, summary: string) => `'${name}:${summary.replace(/'/g, `'\\''`).replace(/:/g, '\\:')}'`

/** The zsh completion script: `source <(authmux completion zsh)`, or saved as `_authmux` in a directory of `$fpath`. */
export function zshScript(model: CompletionModel): string {
  const commands = model.commands.map((c) => `    ${describe(c.name, c.summary)}`).join('\n')
  const cases = model.commands.map((c) => `    ${c.name}) flags=(${c.flags.join(' ')}); words=(${c.words.join(' ')}) ;;`).join('\n')
  return `#compdef authmux
# zsh completion for authmux
# This shell:  source <(authmux completion zsh)      (after compinit)
# Every shell: authmux completion zsh > "\${fpath[1]}/_authmux"
_authmux() {
  local -a commands flags words
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'authmux command' commands
    return
  fi
  case "$words[CURRENT-1]" in
    ${model.directoryFlags.join('|')}) _files -/; return ;;
    ${model.valueFlags.join('|')}) return ;;
  esac
  case "$words[2]" in
${cases}
    *) return ;;
  esac
  if [[ "$PREFIX" == -* ]]; then
    compadd -- $flags
  else
    compadd -- $words
  fi
}
if [[ "$funcstack[1]" == _authmux ]]; then
  _authmux "$@"
else
  compdef _authmux authmux
fi
`
}
