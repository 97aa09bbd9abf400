// Test-only: the smallest flow a provider could write against the token server.
import { z } from 'zod'
import type { AuthFlow } from '../flow'

const tokenResponse = z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number().optional() })

export function testFlow(baseURL: string, overrides: Partial<AuthFlow> & { apiKey?: string } = {}): AuthFlow {
  const apiKey = overrides.apiKey ?? 'the-right-key'
  return {
    name: 'testprov',
    packageName: '@authmux/core-test',
    baseURL,
    secrets: [apiKey],
    identity: 'acct-1',
    async acquire(ctx) {
      const res = await ctx.request({ url: `${new URL(baseURL).origin}/auth/token`, json: { apiKey }, schema: tokenResponse })
      return {
        accessToken: res.data.access_token,
        refreshToken: res.data.refresh_token,
        expiresAt: ctx.expiry({ expiresInSeconds: res.data.expires_in, jwt: res.data.access_token }),
      }
    },
    async renew(tokens, ctx) {
      const res = await ctx.request({ url: `${new URL(baseURL).origin}/auth/refresh`, json: { refreshToken: tokens.refreshToken }, schema: tokenResponse })
      return {
        accessToken: res.data.access_token,
        refreshToken: res.data.refresh_token,
        expiresAt: ctx.expiry({ expiresInSeconds: res.data.expires_in, jwt: res.data.access_token }),
      }
    },
    apply(tokens, request) {
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
    isAuthEndpoint: (url) => url.pathname.includes('/auth/'),
    ...overrides,
  }
}
