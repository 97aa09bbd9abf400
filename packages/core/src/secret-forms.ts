/** Shortest base64 run the redactor hides: shorter runs would match ordinary text by chance. */
const MIN_BASE64_RUN = 8

/**
 * The forms a secret takes on its way out: URL-encoded (`encodeURIComponent`, and the form style where a space is
 * `+`), JSON-escaped, and base64/base64url. Base64 depends on where the secret starts inside the encoded value
 * (`Basic base64(id:secret)`), so each of the three byte offsets gives the run of characters that only the secret's
 * bytes determine. Forms equal to the secret itself are left out.
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set<string>([encodeURIComponent(secret), formEncode(secret), JSON.stringify(secret).slice(1, -1)])
  for (const run of base64Runs(secret)) {
    forms.add(run)
    forms.add(run.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  forms.delete(secret)
  return [...forms]
}

/** `application/x-www-form-urlencoded` encoding of one value (what `URLSearchParams` produces). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/** For each offset 0–2 inside a base64 value: the characters determined by the secret's bytes alone. */
function base64Runs(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret)
  const runs: string[] = []
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length)
    padded.set(bytes, offset)
    const encoded = toBase64(padded)
    // The first group mixes the padding bytes in (unless offset 0); a last partial group mixes in what follows.
    const start = offset === 0 ? 0 : 4
    const end = Math.floor(padded.length / 3) * 4
    const run = encoded.slice(start, end)
    if (run.length >= MIN_BASE64_RUN) runs.push(run)
  }
  return runs
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
