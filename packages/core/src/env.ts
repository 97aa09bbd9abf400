/** Reads an environment variable where one exists (Node, Bun, Deno with --allow-env); undefined elsewhere or when empty. */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const value = env?.[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}
