import { describe, expect, it } from 'vitest'
import { parseSetCookies, serializeCookies } from './cookies'

describe('cookies', () => {
  it('reads Set-Cookie lines, ignoring attributes and decoding values', () => {
    const headers = new Headers()
    headers.append('set-cookie', 'auth-access-token=abc.def; Path=/; HttpOnly; Secure; SameSite=Lax')
    headers.append('set-cookie', 'quoted="v%20x"; Max-Age=900')
    headers.append('set-cookie', 'bad-encoding=%E0%A4%A; Path=/')
    expect(parseSetCookies(headers)).toEqual({ 'auth-access-token': 'abc.def', quoted: 'v x', 'bad-encoding': '%E0%A4%A' })
  })

  it('leaves out cookies being deleted (Max-Age=0 or an Expires in the past)', () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    const headers = new Headers()
    headers.append('set-cookie', 'gone=1; Max-Age=0')
    headers.append('set-cookie', 'old=1; Expires=Sat, 21 Nov 2026 12:00:00 GMT')
    headers.append('set-cookie', 'kept=1; Expires=Mon, 23 Nov 2026 12:00:00 GMT')
    headers.append('set-cookie', 'noeq; Path=/')
    expect(parseSetCookies(headers, now)).toEqual({ kept: '1' })
  })

  it('splits a folded Set-Cookie header without breaking on commas inside Expires', () => {
    const folded = { get: () => 'a=1; Expires=Mon, 23 Nov 2099 12:00:00 GMT, b=2; Path=/' } as unknown as Headers
    expect(parseSetCookies(folded)).toEqual({ a: '1', b: '2' })
    expect(parseSetCookies({ get: () => null } as unknown as Headers)).toEqual({})
  })

  it('serialises a Cookie header, skipping undefined values', () => {
    expect(serializeCookies({ a: '1', b: undefined, c: 'x y' })).toBe('a=1; c=x y')
    expect(serializeCookies({})).toBe('')
  })
})
