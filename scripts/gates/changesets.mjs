#!/usr/bin/env node
// Changesets gate.
// 1. "Clean" status on main: every public package that changed since its last release has a pending changeset.
//    A package's last release is its git tag `<name>@<version>`; a package without one has never been released, so
//    all of it is a change and it needs a changeset (its first release). Private packages (apps) are exempt.
//    `changeset status` itself must succeed too (it rejects changesets naming unknown packages).
// 2. A dry-run `changeset version` in a throw-away git worktree of HEAD bumps only the changed packages (plus
//    dependents that changesets' updateInternalDependencies rule must bump) and consumes every changeset.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const changesetBin = join(root, 'node_modules', '.bin', 'changeset')
const git = (args, cwd = root) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
const problems = []

/** Workspace packages: { name, dir, version, private, deps } */
function workspacePackages(base) {
  const list = []
  for (const group of ['packages', 'apps']) {
    const groupDir = join(base, group)
    if (!existsSync(groupDir)) continue
    for (const entry of readdirSync(groupDir)) {
      const file = join(groupDir, entry, 'package.json')
      if (!existsSync(file)) continue
      const pkg = JSON.parse(readFileSync(file, 'utf8'))
      list.push({
        name: pkg.name,
        dir: `${group}/${entry}`,
        version: pkg.version,
        private: pkg.private === true,
        deps: { ...pkg.dependencies, ...pkg.peerDependencies },
      })
    }
  }
  return list
}

// ── 1. status ───────────────────────────────────────────────────────────────────────────────────────────────────
const statusFile = join(mkdtempSync(join(tmpdir(), 'authmux-changesets-')), 'status.json')
const status = spawnSync(changesetBin, ['status', `--output=${statusFile}`], { cwd: root, encoding: 'utf8' })
if (status.status !== 0) problems.push(`changeset status failed:\n${status.stdout}${status.stderr}`)
const pending = existsSync(statusFile) ? JSON.parse(readFileSync(statusFile, 'utf8')) : { changesets: [], releases: [] }
const withChangeset = new Set(pending.changesets.flatMap((c) => c.releases.map((r) => r.name)))
const tracked = new Set(
  git(['ls-files', 'packages', 'apps'])
    .split('\n')
    .map((f) => f.split('/').slice(0, 2).join('/')),
)

const changed = []
for (const pkg of workspacePackages(root)) {
  if (pkg.private || !tracked.has(pkg.dir)) continue
  const tag = `${pkg.name}@${pkg.version}`
  const released = git(['tag', '--list', tag]) === tag
  const diff = released ? git(['diff', '--name-only', `${tag}..HEAD`, '--', `${pkg.dir}/src`, `${pkg.dir}/package.json`, `${pkg.dir}/README.md`]) : 'unreleased'
  if (diff === '') continue
  changed.push(pkg.name)
  const why = released ? `changed since ${tag}` : 'never released (no tag)'
  if (withChangeset.has(pkg.name)) console.log(`ok   ${pkg.name}: ${why}, has a changeset`)
  else problems.push(`${pkg.name} is ${why} but has no changeset — run \`pnpm changeset\``)
}
for (const name of withChangeset) {
  if (!changed.includes(name)) console.log(`note ${name}: has a changeset but no change since its last release`)
}

// ── 2. dry-run version in a worktree of HEAD ────────────────────────────────────────────────────────────────────
const worktree = mkdtempSync(join(tmpdir(), 'authmux-version-'))
rmSync(worktree, { recursive: true })
git(['worktree', 'add', '--detach', '--quiet', worktree, 'HEAD'])
try {
  symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'), 'dir')
  const before = new Map(workspacePackages(worktree).map((p) => [p.name, p]))
  const version = spawnSync(changesetBin, ['version'], { cwd: worktree, encoding: 'utf8', env: { ...process.env, CI: 'true' } })
  if (version.status !== 0) {
    problems.push(`changeset version (dry run) failed:\n${version.stdout}${version.stderr}`)
  } else {
    const after = workspacePackages(worktree)
    const bumped = after.filter((p) => before.get(p.name)?.version !== p.version)
    const leftBehind = readdirSync(join(worktree, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')
    if (leftBehind.length) problems.push(`changeset version left changesets behind: ${leftBehind.join(', ')}`)
    const direct = new Set(pending.releases.filter((r) => r.type !== 'none' && r.changesets.length > 0).map((r) => r.name))
    const bumpedNames = new Set(bumped.map((p) => p.name))
    for (const p of bumped) {
      const byChangeset = direct.has(p.name)
      const dependsOnBumped = Object.keys(p.deps ?? {}).some((d) => bumpedNames.has(d))
      const ok = byChangeset || dependsOnBumped
      console.log(`${ok ? 'ok  ' : 'BAD '} dry run bumps ${p.name} ${before.get(p.name).version} → ${p.version}${byChangeset ? '' : ' (dependency bump)'}`)
      if (!ok) problems.push(`dry-run changeset version bumped ${p.name}, which neither has a changeset nor depends on a bumped package`)
      if (before.get(p.name).private) problems.push(`dry-run changeset version bumped the private package ${p.name}`)
    }
    for (const name of changed) {
      if (!bumpedNames.has(name)) problems.push(`dry-run changeset version did not bump ${name}, which changed`)
    }
    const unchanged = after.filter((p) => !p.private && !bumpedNames.has(p.name)).map((p) => p.name)
    if (unchanged.length) console.log(`ok   unchanged by the dry run: ${unchanged.join(', ')}`)
  }
} finally {
  git(['worktree', 'remove', '--force', worktree])
}

if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`)
  console.error(`changesets gate: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log(`changesets gate: ${changed.length} changed public package(s), each with a changeset; the dry-run version bumps exactly those`)
