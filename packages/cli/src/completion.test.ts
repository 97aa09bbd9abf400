import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COMMANDS } from './commands'
import { GLOBAL_OPTIONS } from './context'
import { PROVIDER_NAMES } from './providers'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()
const dir = mkdtempSync(join(tmpdir(), 'authmux-completion-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What bash offers for the words typed so far (the last one is being completed), using the printed script. */
function bashComplete(script: string, words: string[]): string[] {
  const file = join(dir, 'authmux.bash')
  writeFileSync(file, script)
  const program = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _authmux; printf '%s\\n' "\${COMPREPLY[@]}"`
  return execFileSync('bash', ['--norc', '-c', program], { encoding: 'utf8', cwd: dir }).split('\n').filter(Boolean)
}

describe('authmux completion', () => {
  it("bash: commands, providers, each command's own flags and directories for --store-dir (run in a real bash)", async () => {
    const { code, stdout } = await env.box.call(['completion', 'bash'])
    expect(code).toBe(0)
    expect(bashComplete(stdout, ['authmux', ''])).toEqual([...COMMANDS.map((c) => c.name), '--help', '--version'])
    expect(bashComplete(stdout, ['authmux', 'st'])).toEqual(['status'])
    expect(bashComplete(stdout, ['authmux', 'login', 'a'])).toEqual(['axiom', 'aionmarket', 'apala'])
    expect(bashComplete(stdout, ['authmux', 'login', 'axiom', '--em'])).toEqual(['--email'])
    expect(bashComplete(stdout, ['authmux', 'env', 'axiom', '--re'])).toEqual(['--reveal'])
    expect(bashComplete(stdout, ['authmux', 'status', '--re'])).toEqual([])
    expect(bashComplete(stdout, ['authmux', 'completion', ''])).toEqual(['bash', 'zsh', 'fish'])
    mkdtempSync(join(dir, 'store-'))
    expect(bashComplete(stdout, ['authmux', 'status', '--store-dir', 'sto'])).toEqual([expect.stringMatching(/^store-/)])
    expect(bashComplete(stdout, ['authmux', 'login', 'axiom', '--email', ''])).toEqual([])
  })

  it('zsh and fish: every command with its summary, every provider and every flag', async () => {
    const zsh = (await env.box.call(['completion', 'zsh'])).stdout
    const fish = (await env.box.call(['completion', 'fish'])).stdout
    expect(zsh.split('\n')[0]).toBe('#compdef authmux')
    expect(zsh).toContain('compdef _authmux authmux')
    for (const command of COMMANDS) {
      expect(zsh).toContain(`'${command.name}:${command.summary.replace(/:/g, '\\:')}'`)
      expect(fish).toContain(`complete -c authmux -n __fish_use_subcommand -a ${command.name} -d '${command.summary}'`)
      for (const flag of Object.keys({ ...GLOBAL_OPTIONS, ...command.options })) {
        expect(zsh).toMatch(new RegExp(`^ {4}${command.name}\\) flags=\\(.*--${flag}\\b`, 'm'))
        expect(fish).toContain(`-n '__fish_seen_subcommand_from ${command.name}' -l ${flag}`)
      }
    }
    expect(fish).toContain(`-n '__fish_seen_subcommand_from login' -a '${PROVIDER_NAMES.join(' ')}'`)
    expect(fish).toContain('-l store-dir -r -a "(__fish_complete_directories)"')
    expect(fish).toContain('-l base-url -r')
  })

  it('an unknown or missing shell is a usage error with a suggestion (exit 2)', async () => {
    const typo = await env.box.call(['completion', 'bsh'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('no completion for "bsh" — did you mean "bash"? Name one of: bash, zsh, fish.')
    const none = await env.box.call(['completion'])
    expect(none.stderr).toContain('which shell? Name one of: bash, zsh, fish.')
    expect((await env.box.call(['completion', 'bash', 'zsh'])).code).toBe(2)
  })
})
