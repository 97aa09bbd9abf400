// Checks of the release itself, for the registry gate: what `changeset version` wrote (versions, CHANGELOG.md per
// package listing its changesets) and what the registry serves after publishing (every public package at its new
// version, each tarball with LICENSE, README.md, dist and a manifest a registry user can rely on).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run } from '../install-checks.mjs'
import { packument } from './verdaccio.mjs'

/** Workspace packages of the repository at `dir`: [{ name, version, dir, private }] (pnpm's own listing). */
export async function workspacePackages(dir) {
  const listed = await run('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: dir })
  if (listed.code !== 0) throw new Error(`pnpm ls failed:\n${listed.out}`)
  return JSON.parse(listed.out)
    .filter((p) => p.path !== dir)
    .map((p) => ({ name: p.name, version: p.version, dir: p.path, private: p.private === true }))
}

/** The pending changesets of the repository at `dir`: [{ file, releases: Map(name → bump), summary }]. */
export function readChangesets(dir) {
  const folder = join(dir, '.changeset')
  return readdirSync(folder)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8').replace(/\r\n/g, '\n')
      const match = /^---\n([\s\S]*?)\n?---\n([\s\S]*)$/.exec(text)
      if (!match) throw new Error(`.changeset/${file} has no front matter`)
      const releases = new Map()
      for (const line of match[1].split('\n')) {
        const entry = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line)
        if (entry) releases.set(entry[1], entry[2])
      }
      return { file, releases, summary: match[2].trim() }
    })
}

/**
 * After `changeset version`: every package a changeset names was bumped, has a CHANGELOG.md with a section for its
 * new version, and that section lists the first line of each of its changesets; no private package was bumped; no
 * changeset is left behind.
 */
export function checkVersioning({ before, after, changesets, dir }) {
  const problems = []
  const previous = new Map(before.map((p) => [p.name, p]))
  for (const pkg of after.filter((p) => !p.private)) {
    const own = changesets.filter((c) => (c.releases.get(pkg.name) ?? 'none') !== 'none')
    if (own.length === 0) continue
    const old = previous.get(pkg.name)?.version
    if (old === pkg.version) {
      problems.push(`${pkg.name} has ${own.length} changeset(s) but changeset version left it at ${old}`)
      continue
    }
    let changelog
    try {
      changelog = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8')
    } catch {
      problems.push(`${pkg.name}: changeset version wrote no CHANGELOG.md`)
      continue
    }
    const section = changelog.split(/^## /m).find((part) => part.startsWith(`${pkg.version}\n`))
    if (!section) {
      problems.push(`${pkg.name}: CHANGELOG.md has no "## ${pkg.version}" section`)
      continue
    }
    // changesets formats the changelog with prettier, which escapes some markdown (Gateway* → Gateway\*).
    const plain = (text) => text.replace(/\\/g, '').replace(/\s+/g, ' ')
    const missing = own.filter((c) => !plain(section).includes(plain(c.summary.split('\n')[0].trim())))
    if (missing.length) problems.push(`${pkg.name}: CHANGELOG.md ${pkg.version} does not list ${missing.map((c) => c.file).join(', ')}`)
  }
  for (const pkg of after.filter((p) => p.private && previous.get(p.name)?.version !== p.version)) {
    problems.push(`changeset version bumped the private package ${pkg.name} (set privatePackages.version to false)`)
  }
  const left = readdirSync(join(dir, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md')
  if (left.length) problems.push(`changeset version left changesets behind: ${left.join(', ')}`)
  return problems
}

const REQUIRED_FILES = ['package/package.json', 'package/README.md', 'package/LICENSE']
const MANIFEST_FIELDS = ['description', 'license', 'repository', 'homepage', 'bugs', 'engines', 'exports']

/**
 * After publishing: the registry has `pkg` at its new version under `latest`, and its tarball holds the required
 * files, built output, no sources or tests, and a manifest with the metadata fields and real (non-workspace)
 * ranges on the versions just published of its @authmux dependencies.
 */
export async function checkPublished({ registryUrl, pkg, versions, dir }) {
  const doc = await packument(registryUrl, pkg.name)
  if (!doc) return [`${pkg.name}: not on the registry after the release`]
  const problems = []
  if (doc['dist-tags']?.latest !== pkg.version) problems.push(`${pkg.name}: latest is ${doc['dist-tags']?.latest}, expected ${pkg.version}`)
  const published = doc.versions?.[pkg.version]
  if (!published) return [...problems, `${pkg.name}@${pkg.version} is not on the registry`]

  const response = await fetch(published.dist.tarball)
  if (!response.ok) return [...problems, `${pkg.name}: tarball download answered ${response.status}`]
  const file = join(dir, `${pkg.name.replace('/', '-')}-${pkg.version}.tgz`)
  writeFileSync(file, Buffer.from(await response.arrayBuffer()))
  const listing = await run('tar', ['-tzf', file])
  const files = listing.out.split('\n').filter(Boolean)
  for (const required of REQUIRED_FILES) if (!files.includes(required)) problems.push(`${pkg.name}: tarball has no ${required.slice(8)}`)
  if (!files.some((f) => f.startsWith('package/dist/'))) problems.push(`${pkg.name}: tarball has no dist/`)
  const stray = files.filter((f) => f.startsWith('package/src/') || /\.test\.|\.tsbuildinfo$/.test(f))
  if (stray.length) problems.push(`${pkg.name}: tarball ships ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ' …' : ''}`)

  const manifest = JSON.parse((await run('tar', ['-xzOf', file, 'package/package.json'])).out)
  for (const field of MANIFEST_FIELDS) if (manifest[field] === undefined) problems.push(`${pkg.name}: published package.json has no "${field}"`)
  if (manifest.version !== pkg.version) problems.push(`${pkg.name}: published package.json says ${manifest.version}`)
  if (JSON.stringify(manifest).includes('workspace:')) problems.push(`${pkg.name}: published package.json still has a workspace: range`)
  for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (!dep.startsWith('@authmux/')) continue
    if (range.replace(/^[\^~]/, '') !== versions.get(dep)) problems.push(`${pkg.name}: depends on ${dep}@${range}, but ${versions.get(dep)} was published`)
  }
  return problems
}
