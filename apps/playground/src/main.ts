import { checkScenario } from './expectations'
import { canarySink } from './canary'
import { parsePlaygroundArgs, USAGE, type PlaygroundArgs } from './args'
import { runLive } from './live'
import { buildReport } from './report/json'
import { LiveView } from './report/live'
import { PlainView } from './report/plain'
import { createStyle } from './report/style'
import { renderSummary } from './report/summary'
import { SilentView, type View } from './report/view'
import { runScenario } from './scenario'

const out = (text: string) => process.stdout.write(text)

/** A redrawn table only on a colour-capable terminal; plain lines for pipes, CI and NO_COLOR. */
function chooseView(args: PlaygroundArgs): { view: View; color: boolean } {
  if (args.json) return { view: new SilentView(), color: false }
  const env = process.env
  const live = process.stdout.isTTY === true && !args.plain && !env.NO_COLOR && !env.CI
  const style = createStyle(live)
  return { view: live ? new LiveView(out, style) : new PlainView(out, style), color: live }
}

async function main(argv: string[]): Promise<number> {
  let args: PlaygroundArgs
  try {
    args = parsePlaygroundArgs(argv)
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    out(USAGE)
    return 0
  }
  const { view, color } = chooseView(args)
  // Ctrl-C during a redrawn table: give the cursor back before leaving.
  process.once('SIGINT', () => {
    if (color) process.stdout.write('\x1b[?25h\n')
    process.exit(130)
  })
  const style = createStyle(color)

  if (args.live) {
    const report = await runLive({
      view,
      requests: args.requests,
      interactive: process.stdin.isTTY === true && !args.json,
      ...(args.storeDir ? { storeDir: args.storeDir } : {}),
      ...(args.envFile ? { envFile: args.envFile } : {}),
    })
    if (args.json) out(`${JSON.stringify(report, null, 2)}\n`)
    else {
      out('\n')
      out(
        report.ok
          ? style.green(`OK — live run in ${(report.durationMs / 1000).toFixed(1)} s\n`)
          : style.red(`FAILED:\n${report.failed.map((f) => `  ✗ ${f}`).join('\n')}\n`),
      )
    }
    return report.ok ? 0 : 1
  }

  const onSecrets = canarySink()
  const result = await runScenario({ view, ...(args.storeDir ? { storeDir: args.storeDir } : {}), ...(onSecrets ? { onSecrets } : {}) })
  const report = buildReport(result, checkScenario(result))
  if (args.json) out(`${JSON.stringify(report, null, 2)}\n`)
  else out(`${renderSummary(report, style).join('\n')}\n`)
  return report.ok ? 0 : 1
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    const e = error as { name?: string; message?: string }
    process.stderr.write(`playground: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}\n`)
    process.exitCode = 2
  },
)
