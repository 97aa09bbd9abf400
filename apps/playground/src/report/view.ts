import type { Tracker } from '../tracker'

/** Where the scenario's progress goes: a redrawn table (TTY), plain lines (pipes, CI), or nowhere (`--json`). */
export interface View {
  /** A new phase of the run. */
  phase(title: string): void
  /** Shows `tracker`'s providers from now on; `header` is recomputed on every draw. */
  watch(tracker: Tracker, header: () => string): void
  /** A free-form line (between phases, results). */
  line(text: string): void
  /** Stops redrawing, leaving the last table on screen (TTY) or printing it (plain). */
  stop(): void
}

/** A view that prints nothing (`--json`). */
export class SilentView implements View {
  phase(): void {}
  watch(): void {}
  line(): void {}
  stop(): void {}
}
