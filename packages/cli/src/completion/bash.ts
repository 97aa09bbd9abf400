import type { CompletionModel } from './model'

/** The bash completion script: `source <(authmux completion bash)`. */
export function bashScript(model: CompletionModel): string {
  const names = model.commands.map((c) => c.name).join(' ')
  const cases = model.commands.map((c) => `    ${c.name}) flags="${c.flags.join(' ')}"; words="${c.words.join(' ')}" ;;`).join('\n')
  return `# bash completion for authmux
# This shell:  source <(authmux completion bash)
# Every shell: authmux completion bash > ~/.local/share/bash-completion/completions/authmux
_authmux() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flags words
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${names} --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    ${model.directoryFlags.join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${model.valueFlags.join('|')}) COMPREPLY=(); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    *) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
}
complete -F _authmux authmux
`
}
