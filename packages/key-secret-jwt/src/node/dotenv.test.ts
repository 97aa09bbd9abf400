import { describe, expect, it } from 'vitest'
import { parseDotEnv } from './dotenv'

describe('parseDotEnv', () => {
  it('reads KEY=VALUE lines with quotes, comments and export', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED = spaced value  ',
      'export EXPORTED=yes',
      'INLINE=abc # trailing comment',
      'HASH_IN_VALUE=abc#def',
      'DOUBLE="line1\\nline2 # not a comment"',
      "SINGLE='raw \\n # kept'",
      'EMPTY=',
      'not a line',
      'PLAIN=later wins',
    ].join('\r\n')
    expect(parseDotEnv(text)).toEqual({
      PLAIN: 'later wins',
      SPACED: 'spaced value',
      EXPORTED: 'yes',
      INLINE: 'abc',
      HASH_IN_VALUE: 'abc#def',
      DOUBLE: 'line1\nline2 # not a comment',
      SINGLE: 'raw \\n # kept',
      EMPTY: '',
    })
  })
})
