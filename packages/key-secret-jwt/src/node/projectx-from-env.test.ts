import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@authmux/core'
import { startProjectXEmulator, type ProjectXEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createProjectXAuth, loadProjectXConfig } from '../node'
import { rejectionOf } from '../test-support'

let emu: ProjectXEmulator
let dir: string
let home: string

beforeEach(async () => {
  emu = await startProjectXEmulator()
  dir = mkdtempSync(join(tmpdir(), 'ksj-fromenv-'))
  home = mkdtempSync(join(tmpdir(), 'ksj-home-'))
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await emu.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(home, { recursive: true, force: true })
})

const write = (file: string, text: string) => writeFileSync(join(dir, file), text)
const base = () => ({ cwd: dir, homeDir: home })

describe('createProjectXAuth.fromEnv', () => {
  it('reads PROJECT_X_* from the environment and logs in', async () => {
    vi.stubEnv('PROJECT_X_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('PROJECT_X_USERNAME', emu.credentials.userName)
    vi.stubEnv('PROJECT_X_ACCOUNT_NAME', emu.credentials.accountName)
    vi.stubEnv('PROJECTX_API_URL', emu.url)
    const auth = createProjectXAuth.fromEnv(base())
    expect(auth.baseURL).toBe(emu.url)
    expect(auth.accountName).toBe(emu.credentials.accountName)
    await auth.login()
    expect(emu.stats.get().logins).toBe(1)
    auth.dispose()
  })

  it('reads a .env file (quotes, comments); the environment wins over the file', async () => {
    write(
      '.env',
      [`# ProjectX`, `PROJECT_X_API_KEY="${emu.credentials.apiKey}"`, `PROJECT_X_USERNAME=from-file # comment`, `PROJECTX_API_URL='${emu.url}'`].join('\n'),
    )
    const fromFile = createProjectXAuth.fromEnv({ ...base(), env: {} })
    expect(await fromFile.storeKey()).toBe(`projectx:from-file@${new URL(emu.url).host}`)
    const envWins = createProjectXAuth.fromEnv({ ...base(), env: { PROJECT_X_USERNAME: emu.credentials.userName } })
    expect(await envWins.storeKey()).toBe(`projectx:${emu.credentials.userName}@${new URL(emu.url).host}`)
    await envWins.login()
    expect(emu.stats.get().logins).toBe(1)
  })

  it('reads the config file (cwd and ~/.config/projectx), with PROJECTX_* overrides', async () => {
    const env = { PROJECT_X_API_KEY: emu.credentials.apiKey, PROJECT_X_USERNAME: emu.credentials.userName }
    write(
      'projectx_config.json',
      JSON.stringify({ api_url: emu.url, timeout_seconds: 12, retry_attempts: 1, retry_delay_seconds: 0.5, timezone: 'America/Chicago' }),
    )
    const auth = createProjectXAuth.fromEnv({ ...base(), env })
    expect(auth.baseURL).toBe(emu.url)
    await auth.login()

    mkdirSync(join(home, '.config', 'projectx'), { recursive: true })
    writeFileSync(join(home, '.config', 'projectx', 'config.json'), JSON.stringify({ api_url: 'https://gateway-api-demo.s2f.projectx.com/api' }))
    expect(createProjectXAuth.fromEnv({ ...base(), env }).baseURL).toBe('https://gateway-api-demo.s2f.projectx.com/api')
    expect(createProjectXAuth.fromEnv({ ...base(), env: { ...env, PROJECTX_API_URL: emu.url } }).baseURL).toBe(emu.url)
    expect(createProjectXAuth.fromEnv({ ...base(), env, baseURL: 'https://override.example/api' }).baseURL).toBe('https://override.example/api')

    expect(loadProjectXConfig({ ...base(), getEnv: (n) => ({ PROJECTX_TIMEOUT_SECONDS: '7', PROJECTX_BURST_LIMIT: '3' })[n] })).toMatchObject({
      apiUrl: 'https://gateway-api-demo.s2f.projectx.com/api',
      timeoutSeconds: 7,
      burstLimit: 3,
    })
    rmSync(join(home, '.config'), { recursive: true })
    expect(loadProjectXConfig({ ...base() })).toMatchObject({
      apiUrl: emu.url,
      timeoutSeconds: 12,
      retryAttempts: 1,
      retryDelaySeconds: 0.5,
      timezone: 'America/Chicago',
    })
    rmSync(join(dir, 'projectx_config.json'))
    write('.projectx_config.json', JSON.stringify({ requests_per_minute: 60 }))
    expect(loadProjectXConfig({ ...base() })).toMatchObject({ requestsPerMinute: 60, source: join(dir, '.projectx_config.json') })
  })

  it('validates every value with a fix-it ConfigError naming the field (never the secret)', () => {
    const apiKey = 'CANARY-short'
    const short = catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env: { PROJECT_X_API_KEY: 'CANARY-10c', PROJECT_X_USERNAME: 'u' } }))
    expect(short.field).toBe('PROJECT_X_API_KEY')
    expect(short.message).toMatch(/PROJECT_X_API_KEY must be longer than 10 characters — set it in the environment or in \.env/)
    expect(short.message).not.toContain('CANARY')

    const missingUser = catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env: { PROJECT_X_API_KEY: `${apiKey}-long-enough` } }))
    expect(missingUser).toMatchObject({ field: 'PROJECT_X_USERNAME' })
    expect(missingUser.message).toContain('PROJECT_X_USERNAME is not set')

    const env = { PROJECT_X_API_KEY: emu.credentials.apiKey, PROJECT_X_USERNAME: 'u' }
    write('projectx_config.json', JSON.stringify({ timeout_seconds: -1 }))
    const badFile = catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env }))
    expect(badFile).toMatchObject({ field: 'timeout_seconds' })
    expect(badFile.message).toContain('projectx_config.json')

    write('projectx_config.json', JSON.stringify({ timeout_seconds: 5 }))
    const badEnv = catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env: { ...env, PROJECTX_TIMEOUT_SECONDS: 'soon' } }))
    expect(badEnv).toMatchObject({ field: 'PROJECTX_TIMEOUT_SECONDS' })
    expect(badEnv.message).toMatch(/fix or unset PROJECTX_TIMEOUT_SECONDS/)

    const badUrl = catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env: { ...env, PROJECTX_API_URL: 'not a url' } }))
    expect(badUrl).toMatchObject({ field: 'PROJECTX_API_URL' })

    write('projectx_config.json', '{ not json')
    expect(catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env })).message).toMatch(/is not valid JSON/)

    expect(catchConfig(() => createProjectXAuth.fromEnv({ ...base(), env, envFile: join(dir, 'missing.env') })).field).toBe('envFile')
  })

  it('lets explicit overrides win over every source', async () => {
    write('.env', 'PROJECT_X_USERNAME=wrong-user\nPROJECT_X_API_KEY=wrong-key-but-long')
    const auth = createProjectXAuth.fromEnv({ ...base(), env: {}, username: emu.credentials.userName, apiKey: emu.credentials.apiKey, baseURL: emu.url })
    await auth.login()
    const error = await rejectionOf(createProjectXAuth.fromEnv({ ...base(), env: {}, baseURL: emu.url }).login())
    expect(error).toMatchObject({ providerCode: 1 })
  })
})

function catchConfig(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}
