import type { ProviderName } from '../providers'
import type { Tracker } from '../tracker'
import type { Style } from './style'
import { renderStreamTable, renderTable } from './table'
import type { View } from './view'

/** Plain, append-only output for pipes, CI and NO_COLOR: one line per notable event, the table at each phase end. */
export class PlainView implements View {
  readonly #write: (text: string) => void
  readonly #style: Style
  readonly #started = performance.now()
  #tracker: Tracker | undefined
  #header: (() => string) | undefined
  #off: (() => void) | undefined

  constructor(write: (text: string) => void, style: Style) {
    this.#write = write
    this.#style = style
  }

  phase(title: string): void {
    this.#write(`\n== ${title} ==\n`)
  }

  watch(tracker: Tracker, header: () => string): void {
    this.#off?.()
    this.#tracker = tracker
    this.#header = header
    this.#off = tracker.onChange((name: ProviderName, line?: string) => {
      if (line) this.#write(`${this.#elapsed()} ${name.padEnd(11)}${line}\n`)
    })
  }

  line(text: string): void {
    this.#write(`${text}\n`)
  }

  /** Prints the current table (used at phase ends). */
  table(): void {
    if (!this.#tracker) return
    this.#write(`${this.#header?.() ?? ''}\n`)
    for (const line of renderTable(this.#tracker.snapshot(), this.#tracker.now(), this.#style)) this.#write(`  ${line}\n`)
    const streams = this.#tracker.streamSnapshot()
    if (streams.length > 0) for (const line of renderStreamTable(streams, this.#style)) this.#write(`  ${line}\n`)
  }

  stop(): void {
    this.#off?.()
    this.#off = undefined
  }

  #elapsed(): string {
    return `[${((performance.now() - this.#started) / 1000).toFixed(1).padStart(5)}s]`
  }
}
