// A throw-away copy of the repository for the registry gate, so that versioning (which rewrites package.json
// versions, writes CHANGELOG.md files and deletes changesets) and the release build never touch the working tree.
// It holds the files git would see (tracked, plus untracked ones that are not ignored: the working tree as it is,
// not HEAD), committed once in a fresh git repository (changesets' publish tags the released versions), with its own
// node_modules installed from pnpm's store.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { run } from '../install-checks.mjs'

const GIT_IDENTITY = ['-c', 'user.name=authmux registry gate', '-c', 'user.email=registry-gate@localhost', '-c', 'commit.gpgsign=false']

/** Copies the working tree of `root` into `dir` (created), commits it, installs dependencies. Throws on failure. */
export async function copyRepository(root, dir) {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  const files = listed.split('\0').filter((file) => file !== '' && existsSync(join(root, file)) && !lstatSync(join(root, file)).isDirectory())
  mkdirSync(dir, { recursive: true })
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(root, file), join(dir, file), { verbatimSymlinks: true })
  }
  const git = (...args) => execFileSync('git', [...GIT_IDENTITY, ...args], { cwd: dir, stdio: 'pipe' })
  git('init', '--quiet')
  git('add', '--all')
  git('commit', '--quiet', '--no-verify', '--message', 'registry gate: copy of the working tree')

  const installed = await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], {
    cwd: dir,
    env: { ...process.env, CI: 'true' },
  })
  if (installed.code !== 0) throw new Error(`pnpm install in the copy failed:\n${installed.out}`)
  return files.length
}
