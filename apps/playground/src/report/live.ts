import type { Tracker } from '../tracker'
import type { Style } from './style'
import { renderStreamTable, renderTable } from './table'
import type { View } from './view'

/** At most this many redraws a second. */
const MAX_REDRAWS_PER_SECOND = 8

/**
 * A table redrawn in place on a TTY (ANSI cursor movement), with event lines scrolling above it. Redraws only when
 * something changed, at most `MAX_REDRAWS_PER_SECOND` times a second (and once a second for the countdowns).
 */
export class LiveView implements View {
  readonly #write: (text: string) => void
  readonly #style: Style
  readonly #started = performance.now()
  #tracker: Tracker | undefined
  #header: (() => string) | undefined
  #off: (() => void) | undefined
  #timer: ReturnType<typeof setInterval> | undefined
  #drawnLines = 0
  #dirty = false
  #lastDraw = 0
  #log: string[] = []

  constructor(write: (text: string) => void, style: Style) {
    this.#write = write
    this.#style = style
  }

  phase(title: string): void {
    this.#log.push(this.#style.bold(`== ${title} ==`))
    this.#dirty = true
    this.#ensureTimer()
  }

  watch(tracker: Tracker, header: () => string): void {
    this.#off?.()
    this.#tracker = tracker
    this.#header = header
    this.#off = tracker.onChange((name, line) => {
      if (line) this.#log.push(`${this.#style.dim(this.#elapsed())} ${name.padEnd(11)}${line}`)
      this.#dirty = true
    })
    this.#dirty = true
    this.#ensureTimer()
  }

  line(text: string): void {
    this.#log.push(text)
    this.#dirty = true
    this.#ensureTimer()
  }

  stop(): void {
    this.#off?.()
    this.#off = undefined
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.#draw()
    this.#write('\x1b[?25h')
    this.#drawnLines = 0
  }

  #ensureTimer(): void {
    if (this.#timer) return
    this.#write('\x1b[?25l')
    this.#timer = setInterval(
      () => {
        const sinceMs = performance.now() - this.#lastDraw
        if (this.#dirty || sinceMs >= 1000) this.#draw()
      },
      Math.ceil(1000 / MAX_REDRAWS_PER_SECOND),
    )
    this.#timer.unref?.()
  }

  #draw(): void {
    this.#dirty = false
    this.#lastDraw = performance.now()
    let out = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}F\x1b[J` : ''
    for (const line of this.#log) out += `${line}\n`
    this.#log = []
    const region: string[] = []
    if (this.#tracker) {
      region.push(this.#header?.() ?? '')
      for (const line of renderTable(this.#tracker.snapshot(), this.#tracker.now(), this.#style)) region.push(`  ${line}`)
      const streams = this.#tracker.streamSnapshot()
      if (streams.length > 0) for (const line of renderStreamTable(streams, this.#style)) region.push(`  ${line}`)
    }
    for (const line of region) out += `${line}\n`
    this.#drawnLines = region.length
    this.#write(out)
  }

  #elapsed(): string {
    return `[${((performance.now() - this.#started) / 1000).toFixed(1).padStart(5)}s]`
  }
}
