/** Colours for a TTY; identity functions when colour is off. */
export interface Style {
  green(text: string): string
  yellow(text: string): string
  red(text: string): string
  dim(text: string): string
  bold(text: string): string
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`
const plain = (text: string) => text

export function createStyle(color: boolean): Style {
  if (!color) return { green: plain, yellow: plain, red: plain, dim: plain, bold: plain }
  return { green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) }
}

/** Visible width of a string that may hold ANSI colour codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length
}

/** Pads to `width` visible characters. */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)))
}
