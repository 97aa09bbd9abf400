import { randomInt } from 'node:crypto'

/**
 * Realistic ProjectX Gateway event payloads (field lists from providers.md 9.1.4). Prices move by whole ticks from a
 * per-product start price; timestamps come from the virtual clock.
 */

interface Product {
  price: number
  tick: number
}

const PRODUCTS: Record<string, Product> = {
  EP: { price: 5_812.25, tick: 0.25 },
  ES: { price: 5_812.25, tick: 0.25 },
  MES: { price: 5_812.25, tick: 0.25 },
  ENQ: { price: 20_415.5, tick: 0.25 },
  NQ: { price: 20_415.5, tick: 0.25 },
  MNQ: { price: 20_415.5, tick: 0.25 },
  RTY: { price: 2_187.3, tick: 0.1 },
  M2K: { price: 2_187.3, tick: 0.1 },
  YM: { price: 42_310, tick: 1 },
  CL: { price: 74.12, tick: 0.01 },
  GC: { price: 2_651.4, tick: 0.1 },
}

/** `CON.F.US.RTY.H25` → `{ symbol: 'F.US.RTY', product: 'RTY' }`. */
export function parseContract(contractId: string): { symbol: string; product: string } {
  const parts = contractId.split('.')
  if (parts.length >= 5 && parts[0] === 'CON') return { symbol: parts.slice(1, 4).join('.'), product: parts[3] ?? contractId }
  return { symbol: contractId, product: contractId }
}

const round = (value: number, tick: number) => Number((Math.round(value / tick) * tick).toFixed(6))

/** Per-emulator market state: last price, session open/high/low and volume per contract. */
export class MarketState {
  readonly #contracts = new Map<string, { last: number; open: number; high: number; low: number; volume: number; tick: number }>()

  #step(contractId: string) {
    let c = this.#contracts.get(contractId)
    if (!c) {
      const product = PRODUCTS[parseContract(contractId).product] ?? { price: 100, tick: 0.01 }
      c = { last: product.price, open: product.price, high: product.price, low: product.price, volume: 0, tick: product.tick }
      this.#contracts.set(contractId, c)
    }
    c.last = Math.max(c.tick, round(c.last + randomInt(-2, 3) * c.tick, c.tick))
    c.high = Math.max(c.high, c.last)
    c.low = Math.min(c.low, c.last)
    const size = randomInt(1, 12)
    c.volume += size
    return { ...c, size }
  }

  /** A `GatewayQuote` payload. */
  quote(contractId: string, nowIso: string): Record<string, unknown> {
    const c = this.#step(contractId)
    const { symbol, product } = parseContract(contractId)
    return {
      symbol,
      symbolName: `/${product}`,
      lastPrice: c.last,
      bestBid: round(c.last - c.tick, c.tick),
      bestAsk: round(c.last + c.tick, c.tick),
      change: round(c.last - c.open, c.tick),
      changePercent: Number((((c.last - c.open) / c.open) * 100).toFixed(4)),
      open: c.open,
      high: c.high,
      low: c.low,
      volume: c.volume,
      lastUpdated: nowIso,
      timestamp: nowIso,
    }
  }

  /** A `GatewayTrade` payload: the trades since the last push (here: one). `type` 0 = buy, 1 = sell. */
  trades(contractId: string, nowIso: string): Record<string, unknown>[] {
    const c = this.#step(contractId)
    return [{ symbolId: parseContract(contractId).symbol, price: c.last, timestamp: nowIso, type: randomInt(0, 2), volume: c.size }]
  }

  /** A `GatewayDepth` payload: best bid/ask and two levels each side (DomType 1 Ask, 2 Bid, 3 BestAsk, 4 BestBid). */
  depth(contractId: string, nowIso: string): Record<string, unknown>[] {
    const c = this.#step(contractId)
    const level = (type: number, offsetTicks: number) => {
      const volume = randomInt(1, 60)
      return { timestamp: nowIso, type, price: round(c.last + offsetTicks * c.tick, c.tick), volume, currentVolume: volume }
    }
    return [level(3, 1), level(4, -1), level(1, 2), level(2, -2), level(1, 3), level(2, -3)]
  }
}

let nextId = 400_000

/** A `GatewayUserAccount` payload. */
export function accountPayload(accountId: number, name: string): Record<string, unknown> {
  return { id: accountId, name, balance: Number((50_000 + randomInt(-50_000, 50_000) / 100).toFixed(2)), canTrade: true, isVisible: true, simulated: true }
}

/** A `GatewayUserOrder` payload (status 1 Open; type 1 Limit; side 0 Bid). */
export function orderPayload(accountId: number, nowIso: string): Record<string, unknown> {
  nextId += 1
  return {
    id: nextId,
    accountId,
    contractId: 'CON.F.US.EP.Z25',
    symbolId: 'F.US.EP',
    creationTimestamp: nowIso,
    updateTimestamp: nowIso,
    status: 1,
    type: 1,
    side: 0,
    size: 1,
    limitPrice: 5_810.25,
    stopPrice: null,
    fillVolume: 0,
    filledPrice: null,
    customTag: null,
  }
}

/** A `GatewayUserPosition` payload (type 1 long). */
export function positionPayload(accountId: number, nowIso: string): Record<string, unknown> {
  nextId += 1
  return { id: nextId, accountId, contractId: 'CON.F.US.EP.Z25', creationTimestamp: nowIso, type: 1, size: 1, averagePrice: 5_812.25 }
}

/** A `GatewayUserTrade` payload. */
export function tradePayload(accountId: number, nowIso: string): Record<string, unknown> {
  nextId += 1
  return {
    id: nextId,
    accountId,
    contractId: 'CON.F.US.EP.Z25',
    creationTimestamp: nowIso,
    price: 5_812.25,
    profitAndLoss: null,
    fees: 1.4,
    side: 0,
    size: 1,
    voided: false,
    orderId: nextId - 1,
  }
}
