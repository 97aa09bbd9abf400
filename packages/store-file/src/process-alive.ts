/** True when a process with this pid exists on this host (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  // pid 0 and negative pids address process groups; a non-integer makes `process.kill` throw (→ false).
  if (!(pid > 0)) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
