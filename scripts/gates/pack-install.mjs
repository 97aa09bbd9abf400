#!/usr/bin/env node
// "Install a single provider package" gate. Packs every package with `pnpm pack` (workspace:^ ranges become real
// versions), then for each package with a scenario (install-checks.mjs) creates an empty temp project, installs only
// that tarball plus @authmux/core's tarball with npm (third-party dependencies come from the registry), and from that
// project runs the same check twice — once imported as ESM, once required as CJS — making authenticated calls to
// testkit emulators started here (from the workspace build). The registry round-trip gate runs the same scenarios
// against packages published to a loopback registry. Usage: node scripts/gates/pack-install.mjs [scenario…] (run
// `pnpm build` first).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { transformSync } from 'esbuild'
import { OTP_CODE, SCENARIOS, checkEnv, checkSource, freePort, onInterrupt, onlyExpected, run } from './install-checks.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const PACKAGES = [...new Set(['core', ...SCENARIOS.map((s) => s.pkg)])]

/** The scenario's check program for `style`, as plain JavaScript (esbuild strips the TypeScript types). */
const program = (style, pkgName, body) =>
  transformSync(checkSource(style, pkgName, body), { loader: 'ts', format: style === 'esm' ? 'esm' : 'cjs', target: 'node20' }).code

async function main() {
  const wanted = process.argv.slice(2)
  const scenarios = SCENARIOS.filter((s) => wanted.length === 0 || wanted.some((w) => s.pkg === w || s.name.includes(w)))
  for (const name of PACKAGES) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) {
      console.error(`pack-install: packages/${name}/dist is missing — run \`pnpm build\` first`)
      process.exit(1)
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'authmux-pack-'))
  onInterrupt(() => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }))
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs)
  try {
    for (const name of PACKAGES) {
      const packed = await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', name) })
      if (packed.code !== 0) throw new Error(`pnpm pack failed in packages/${name}:\n${packed.out}`)
    }
    const tarballOf = (name) => {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`authmux-${name}-`) && f.endsWith('.tgz'))
      if (!file) throw new Error(`no tarball for @authmux/${name}`)
      return join(tarballs, file)
    }
    // Sanity: the packed manifests carry no workspace: ranges.
    for (const name of PACKAGES) {
      const listing = await run('tar', ['-xzOf', tarballOf(name), 'package/package.json'])
      if (listing.out.includes('workspace:')) throw new Error(`@authmux/${name}'s packed package.json still has a workspace: range`)
    }

    const { startEmulators } = await import(pathToFileURL(join(root, 'packages/testkit/dist/index.js')).href)
    const emu = await startEmulators({ axiom: { fixedOtpCode: OTP_CODE } })
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    const failures = []
    try {
      // Install every project first (npm, in parallel), then run the checks one by one.
      const projects = await Promise.all(
        scenarios.map(async (scenario) => {
          const dir = join(work, `project-${scenario.pkg}`)
          mkdirSync(dir)
          writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `check-${scenario.pkg}`, version: '1.0.0', private: true }, null, 2))
          const installed = await run(
            'npm',
            ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', tarballOf('core'), tarballOf(scenario.pkg)],
            { cwd: dir, env: { ...process.env, npm_config_package_lock: 'false' } },
          )
          return { scenario, dir, installed }
        }),
      )
      for (const { scenario, dir, installed } of projects) {
        const label = `@authmux/${scenario.pkg} — ${scenario.name}`
        if (installed.code !== 0) {
          failures.push(label)
          console.log(`FAIL ${label}: npm install failed\n${installed.out}`)
          continue
        }
        const unexpected = onlyExpected(dir, [scenario.pkg])
        if (unexpected) {
          failures.push(label)
          console.log(`FAIL ${label}: ${unexpected}`)
          continue
        }
        const pkgName = `@authmux/${scenario.pkg}`
        writeFileSync(join(dir, 'check.mjs'), program('esm', pkgName, scenario.body))
        writeFileSync(join(dir, 'check.cjs'), program('cjs', pkgName, scenario.body))
        const env = checkEnv(process.env, { urls: emu.urls, credentials: emu.credentials, workDir: dir, otpCode: OTP_CODE, redisUrl })
        for (const file of ['check.mjs', 'check.cjs']) {
          const result = await run(process.execPath, [file], { cwd: dir, env })
          if (result.code === 0) {
            console.log(`ok   ${label} (${file === 'check.mjs' ? 'ESM import' : 'CJS require'})`)
          } else {
            failures.push(`${label} (${file})`)
            console.log(`FAIL ${label} (${file}):\n${result.out}`)
          }
        }
      }
    } finally {
      await emu.close()
    }
    if (failures.length > 0) {
      console.error(`pack-install gate: ${failures.length} failure(s): ${failures.join('; ')}`)
      process.exitCode = 1
    } else {
      console.log(`pack-install gate: ${scenarios.length} packages install alone with core and work from ESM and CJS`)
    }
  } finally {
    if (!process.env.PACK_INSTALL_KEEP) rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
    else console.log(`kept ${work}`)
  }
}

await main()
