/**
 * The ids met so far in one import file, with the line each first appeared on. A file of a million
 * rows must import with the JS heap capped at 64 MB, which a Map of the id strings does not allow:
 * each id is kept as a 64-bit hash (two independent 32-bit FNV-1a hashes) in typed arrays, whose
 * storage lies outside the JS heap. Two different ids share a hash with a probability of about
 * n² / 2^65 (under 1e-7 for a million rows).
 */
export class SeenIds {
  private high = new Uint32Array(1 << 12)
  private low = new Uint32Array(1 << 12)
  private lines = new Int32Array(1 << 12)
  private size = 0

  /** The line `id` first appeared on, or undefined when it is new (and is now recorded at `line`). */
  firstLineOrAdd(id: string, line: number): number | undefined {
    const [h, l] = hash64(id)
    let slot = this.find(h, l)
    if (this.lines[slot] !== 0) return this.lines[slot]! - 1
    if ((this.size + 1) * 2 > this.lines.length) {
      this.grow()
      slot = this.find(h, l)
    }
    this.high[slot] = h
    this.low[slot] = l
    this.lines[slot] = line + 1
    this.size++
    return undefined
  }

  /** Linear probing: the slot holding (h, l), or the empty slot where it belongs. */
  private find(h: number, l: number): number {
    const mask = this.lines.length - 1
    let slot = (l ^ Math.imul(h, 0x9e3779b1)) & mask
    while (this.lines[slot] !== 0 && (this.high[slot] !== h || this.low[slot] !== l)) slot = (slot + 1) & mask
    return slot
  }

  private grow(): void {
    const { high, low, lines } = this
    this.high = new Uint32Array(lines.length * 2)
    this.low = new Uint32Array(lines.length * 2)
    this.lines = new Int32Array(lines.length * 2)
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue
      const slot = this.find(high[i]!, low[i]!)
      this.high[slot] = high[i]!
      this.low[slot] = low[i]!
      this.lines[slot] = lines[i]!
    }
  }
}

function hash64(text: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  return [a >>> 0, (b ^ text.length) >>> 0]
}
