#!/usr/bin/env node
// Registry round-trip gate: the release as a registry user meets it.
//  1. Copies the working tree to a temp dir (registry/repo-copy.mjs) — nothing here touches the checkout.
//  2. Versions it with the project's own command (`pnpm run version-packages`: changeset version) and checks that
//     every package with changesets was bumped and got a CHANGELOG.md listing them.
//  3. Starts a private npm registry on loopback (Verdaccio; @authmux/* only from what is published to it) and
//     publishes with the project's own release command (`pnpm run release`: build + changeset publish) pointed at it;
//     checks every public package's tarball and manifest as served.
//  4. In fresh empty projects installs ONE package each from that registry with npm and checks that only it and core
//     arrive; compiles the package's check program (install-checks.mjs) with
//     `tsc --strict --exactOptionalPropertyTypes --module nodenext` (no skipLibCheck) to .mjs and .cjs and runs both
//     against testkit emulators (started from the registry-installed @authmux/testkit); in one more project installs
//     @authmux/cli and runs `npx authmux --version`.
//  5. Stops the registry (also on failure or Ctrl-C) and removes the temp dir (REGISTRY_GATE_KEEP=1 keeps it).
// Usage: node scripts/gates/registry-roundtrip.mjs   (needs `pnpm install` at the root; builds its own copy)
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OTP_CODE, SCENARIOS, checkEnv, checkSource, freePort, onInterrupt, onlyExpected, run } from './install-checks.mjs'
import { clientEnv, projectNpmrc } from './registry/client-env.mjs'
import { checkPublished, checkVersioning, readChangesets, workspacePackages } from './registry/release-checks.mjs'
import { copyRepository } from './registry/repo-copy.mjs'
import { packument, startRegistry } from './registry/verdaccio.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const requireFromRoot = createRequire(join(root, 'package.json'))
const TSC = join(requireFromRoot.resolve('typescript/package.json'), '..', 'bin', 'tsc')
const TSC_FLAGS = ['--strict', '--exactOptionalPropertyTypes', '--module', 'nodenext']
const TYPES_NODE = `@types/node@${JSON.parse(readFileSync(requireFromRoot.resolve('@types/node/package.json'), 'utf8')).version}`

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
const started = Date.now()
const timings = []
const failures = []
let passed = 0
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`
const ok = (message) => {
  passed += 1
  console.log(`ok   ${message}`)
}
const fail = (message) => {
  failures.push(message.split('\n')[0])
  console.log(`FAIL ${message}`)
}
async function phase(name, fn) {
  const t0 = Date.now()
  console.log(`\n-- ${name}`)
  try {
    return await fn()
  } finally {
    timings.push(`${seconds(Date.now() - t0).padStart(7)}  ${name}`)
  }
}
/** Runs `fn` over `items`, at most `limit` at a time (2 cores). */
async function pool(items, limit, fn) {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

const work = realpathSync(mkdtempSync(join(tmpdir(), 'authmux-registry-')))
const repo = join(work, 'repo')
let registry
let emulators

function cleanUp() {
  registry?.killNow()
  if (process.env.REGISTRY_GATE_KEEP) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}
onInterrupt(cleanUp)
process.once('exit', () => registry?.killNow())

async function main() {
  const files = await phase('copy the working tree and install its dependencies (pnpm, offline first)', () => copyRepository(root, repo))
  console.log(`${files} files copied to ${repo}`)

  const { published, versions, privatePackages } = await phase('version: pnpm run version-packages (changeset version)', async () => {
    const before = await workspacePackages(repo)
    const changesets = readChangesets(repo)
    const versioned = await run('pnpm', ['run', 'version-packages'], { cwd: repo, env: { ...process.env, CI: 'true' } })
    if (versioned.code !== 0) throw new Error(`pnpm run version-packages failed:\n${versioned.out}`)
    const after = await workspacePackages(repo)
    const problems = checkVersioning({ before, after, changesets, dir: repo })
    for (const problem of problems) fail(problem)
    const publicPackages = after.filter((p) => !p.private)
    const named = publicPackages.filter((p) => changesets.some((c) => (c.releases.get(p.name) ?? 'none') !== 'none'))
    if (!problems.length) ok(`${changesets.length} changesets consumed; the ${named.length} packages they name were bumped and list them in CHANGELOG.md`)
    for (const p of publicPackages) console.log(`     ${p.name} ${before.find((b) => b.name === p.name)?.version} → ${p.version}`)
    return {
      published: publicPackages,
      versions: new Map(publicPackages.map((p) => [p.name, p.version])),
      privatePackages: after.filter((p) => p.private),
    }
  })

  registry = await phase('start the loopback registry (Verdaccio)', () => startRegistry({ dir: join(work, 'registry') }))
  console.log(`Verdaccio pid ${registry.pid} on ${registry.url}`)
  const env = clientEnv({ registryUrl: registry.url, dir: work })

  await phase('release: pnpm run release (build + changeset publish) to the loopback registry', async () => {
    const released = await run('pnpm', ['run', 'release'], { cwd: repo, env: { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } })
    writeFileSync(join(work, 'release.log'), released.out)
    const summary = released.out
      .replace(ANSI, '')
      .split('\n')
      .filter((line) => /^\s*(Tasks|Time):|🦋\s+(success|error)|🦋\s+@authmux\//.test(line))
    console.log(summary.join('\n'))
    if (released.code !== 0) throw new Error(`pnpm run release failed (exit ${released.code}):\n${released.out.slice(-4000)}\n${registry.logTail()}`)
    const tags = execFileSync('git', ['tag', '--list'], { cwd: repo, encoding: 'utf8' }).split('\n')
    const untagged = published.filter((p) => !tags.includes(`${p.name}@${p.version}`))
    if (untagged.length) fail(`changeset publish made no git tag for ${untagged.map((p) => p.name).join(', ')}`)
    else ok(`changeset publish tagged ${published.length} releases (<name>@<version>)`)
    const leaked = []
    for (const pkg of privatePackages) if (await packument(registry.url, pkg.name)) leaked.push(pkg.name)
    if (leaked.length) fail(`private packages were published: ${leaked.join(', ')}`)
    else ok(`none of the ${privatePackages.length} private workspace packages was published`)
    const tarballs = join(work, 'tarballs')
    mkdirSync(tarballs)
    for (const pkg of published) {
      const problems = await checkPublished({ registryUrl: registry.url, pkg, versions, dir: tarballs })
      if (problems.length) for (const problem of problems) fail(problem)
      else ok(`${pkg.name}@${pkg.version} served under latest; tarball: LICENSE, README.md, dist/, full manifest, real @authmux ranges`)
    }
  })

  const cli = published.find((p) => p.name === '@authmux/cli')
  const scenarios = SCENARIOS.filter((s) => versions.has(`@authmux/${s.pkg}`))
  for (const p of published) {
    if (p !== cli && p.name !== '@authmux/core' && !scenarios.some((s) => `@authmux/${s.pkg}` === p.name)) {
      fail(`${p.name} is published but has no install scenario in scripts/gates/install-checks.mjs`)
    }
  }

  const projects = await phase('fresh projects: npm install one package each from the registry', () =>
    Promise.all(
      [...scenarios.map((s) => ({ key: s.pkg, scenario: s, specs: [`@authmux/${s.pkg}`, TYPES_NODE] })), { key: 'cli', specs: ['@authmux/cli'] }].map(
        async (project) => {
          const dir = join(work, 'projects', project.key)
          mkdirSync(dir, { recursive: true })
          writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${project.key}`, version: '1.0.0', private: true }, null, 2)}\n`)
          writeFileSync(join(dir, '.npmrc'), projectNpmrc(registry.url))
          const t0 = Date.now()
          const installed = await run('npm', ['install', '--no-package-lock', ...project.specs], { cwd: dir, env })
          const label = `npm install ${project.specs[0]}`
          if (installed.code !== 0) fail(`${label} (from the registry) failed:\n${installed.out}`)
          else console.log(`     ${label}: ${seconds(Date.now() - t0)}`)
          return { ...project, dir, installed: installed.code === 0 }
        },
      ),
    ),
  )
  // The CLI brings the @authmux packages it depends on (its other dependencies, e.g. imapflow, live outside the scope).
  const cliDeps = cli
    ? Object.keys(JSON.parse(readFileSync(join(cli.dir, 'package.json'), 'utf8')).dependencies ?? {}).filter((d) => d.startsWith('@authmux/'))
    : []
  for (const project of projects.filter((p) => p.installed)) {
    const expected = project.key === 'cli' ? ['cli', ...cliDeps.map((d) => d.replace('@authmux/', ''))] : [project.key]
    const unexpected = onlyExpected(project.dir, expected)
    if (unexpected) fail(`@authmux/${project.key} from the registry: ${unexpected}`)
    else ok(`@authmux/${project.key} from the registry brings only ${[...new Set(['core', ...expected])].join(' + ')}`)
  }
  const ready = projects.filter((p) => p.installed && p.scenario)

  await phase(`tsc ${TSC_FLAGS.join(' ')} (no skipLibCheck) in each project`, () =>
    pool(ready, 2, async (project) => {
      const name = `@authmux/${project.key}`
      writeFileSync(join(project.dir, 'check.mts'), checkSource('esm', name, project.scenario.body))
      writeFileSync(join(project.dir, 'check.cts'), checkSource('cjs', name, project.scenario.body))
      const compiled = await run(process.execPath, [TSC, ...TSC_FLAGS, '--pretty', 'false', 'check.mts', 'check.cts'], { cwd: project.dir })
      if (compiled.code === 0) ok(`${name}: strict tsc of an ESM and a CJS consumer passes`)
      else fail(`${name}: strict tsc of the consumer failed:\n${compiled.out.trim()}`)
    }),
  )

  await phase('run the compiled consumers (ESM import, CJS require) against testkit emulators', async () => {
    const testkit = projects.find((p) => p.key === 'testkit' && p.installed)
    if (!testkit) throw new Error('@authmux/testkit did not install from the registry: no emulators to run the consumers against')
    const { startEmulators } = createRequire(join(testkit.dir, 'package.json'))('@authmux/testkit')
    emulators = await startEmulators({ axiom: { fixedOtpCode: OTP_CODE } })
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    for (const project of ready) {
      const ctx = { urls: emulators.urls, credentials: emulators.credentials, workDir: project.dir, otpCode: OTP_CODE, redisUrl }
      for (const [file, how] of [
        ['check.mjs', 'ESM import'],
        ['check.cjs', 'CJS require'],
      ]) {
        const label = `@authmux/${project.key} — ${project.scenario.name} (${how})`
        const result = await run(process.execPath, [file], { cwd: project.dir, env: checkEnv(env, ctx) })
        if (result.code === 0) ok(label)
        else fail(`${label}:\n${result.out.trim()}`)
      }
    }
  })

  await phase('npx authmux --version from the registry install', async () => {
    const project = projects.find((p) => p.key === 'cli' && p.installed)
    if (!project) return fail('@authmux/cli did not install from the registry')
    const result = await run('npx', ['--no-install', 'authmux', '--version'], { cwd: project.dir, env })
    const printed = result.out.trim()
    if (result.code === 0 && printed.includes(cli.version)) ok(`npx authmux --version printed "${printed}"`)
    else fail(`npx authmux --version (expected exit 0 and ${cli.version}) exited ${result.code}:\n${printed.slice(0, 2000)}`)
  })
}

try {
  await main()
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
} finally {
  await emulators?.close()
  await registry?.stop()
  cleanUp()
}
console.log('\n-- timings')
console.log(timings.join('\n'))
console.log(`${seconds(Date.now() - started).padStart(7)}  total`)
if (failures.length) {
  console.error(`registry round-trip gate: ${failures.length} failure(s), ${passed} check(s) passed:\n  ${failures.join('\n  ')}`)
  process.exitCode = 1
} else {
  console.log(`registry round-trip gate: ${passed} checks passed`)
}
