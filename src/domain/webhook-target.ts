// Where a webhook may be delivered. An owner types a URL; Plaudit's worker then makes requests to
// it from inside the practice's network, so a URL naming the worker's own machine, the LAN or a
// cloud metadata service (169.254.169.254) would turn webhooks into a way to reach them (SSRF).
// Targets are therefore http(s) and public unless the operator allows private ones
// (PLAUDIT_WEBHOOK_ALLOW_PRIVATE=1, for tests and all-internal setups). The URL check runs when a
// webhook is saved; the address check runs on what the name resolves to, at every delivery and
// redirect hop, because a public name can point at a private address.

export type WebhookTargetCheck = { ok: true; url: URL } | { ok: false; reason: string }

export interface WebhookTargetOptions {
  allowPrivate: boolean
}

/** Checks a webhook URL as typed: scheme, no credentials, and a host that is not private. */
export function checkWebhookUrl(raw: string, options: WebhookTargetOptions): WebhookTargetCheck {
  let url: URL
  try {
    // WHATWG parsing turns every IPv4 spelling ("2130706433", "0x7f.1", "0177.0.0.1", "127.1")
    // into dotted decimal, so the address rules below see one form.
    url = new URL(raw.trim())
  } catch {
    return { ok: false, reason: `webhook URL is not a valid URL: "${raw}"` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `webhook URL must be http or https, got "${url.protocol.slice(0, -1)}"` }
  }
  // Credentials in a URL end up in logs and delivery records; the signature authenticates us.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'webhook URL must not contain a user name or password' }
  if (options.allowPrivate) return { ok: true, url }
  const host = url.hostname.replace(/\.$/, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, reason: `webhook URL must not name this machine, got "${url.hostname}"` }
  const literal = host.startsWith('[') ? host.slice(1, -1) : host
  const kind = addressKind(literal)
  if (kind !== null && kind !== 'public') return { ok: false, reason: `webhook URL must not point at a ${kind} address, got "${url.hostname}"` }
  return { ok: true, url }
}

/** Checks the addresses a target's name resolved to: every one must be public. */
export function checkResolvedAddresses(hostname: string, addresses: readonly string[], options: WebhookTargetOptions): { ok: true } | { ok: false; reason: string } {
  if (addresses.length === 0) return { ok: false, reason: `webhook host "${hostname}" resolved to no address` }
  if (options.allowPrivate) return { ok: true }
  for (const address of addresses) {
    const kind = addressKind(address) ?? 'unparsable'
    if (kind !== 'public') return { ok: false, reason: `webhook host "${hostname}" resolves to a ${kind} address (${address})` }
  }
  return { ok: true }
}

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved' | 'multicast' | 'unparsable'

/** The kind of an IPv4 or IPv6 address in textual form, or null when the text is not an address. */
export function addressKind(text: string): AddressKind | null {
  const v4 = parseIpv4(text)
  if (v4 !== null) return ipv4Kind(v4)
  const v6 = parseIpv6(text)
  if (v6 !== null) return ipv6Kind(v6)
  return null
}

// [first address as a 32-bit number, prefix length, kind]
const IPV4_RANGES: ReadonlyArray<[string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes cloud metadata, 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
]

function parseIpv4(text: string): number | null {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null
  return parts.reduce((value, p) => value * 256 + Number(p), 0)
}

function ipv4Kind(address: number): AddressKind {
  for (const [first, prefix, kind] of IPV4_RANGES) {
    const size = 2 ** (32 - prefix)
    const start = parseIpv4(first)!
    if (address >= start && address < start + size) return kind
  }
  return 'public'
}

/** Eight 16-bit groups, or null. Accepts "::" compression, a trailing dotted IPv4 and a %zone. */
function parseIpv6(text: string): number[] | null {
  let body = text.replace(/%.*$/, '').toLowerCase()
  if (!body.includes(':')) return null
  // "::ffff:127.0.0.1": rewrite the dotted tail as its two hex groups, then parse one form.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body)
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!)
    if (v4 === null) return null
    body = `${body.slice(0, -dotted[1]!.length)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`
  }
  const halves = body.split('::')
  if (halves.length > 2) return null
  const groups = (part: string): number[] | null => {
    if (part === '') return []
    const out = part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN))
    return out.some(Number.isNaN) ? null : out
  }
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  if (head === null || rest === null) return null
  const known = head.length + rest.length
  if (halves.length === 2 ? known > 7 : known !== 8) return null
  return [...head, ...Array<number>(8 - known).fill(0), ...rest]
}

function embeddedIpv4(high: number, low: number): AddressKind {
  return ipv4Kind(high * 65536 + low)
}

function ipv6Kind(g: number[]): AddressKind {
  const zeroUpTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0)
  if (zeroUpTo(8)) return 'unspecified'
  if (zeroUpTo(7) && g[7] === 1) return 'loopback'
  // IPv4-mapped ::ffff:a.b.c.d and the old IPv4-compatible ::a.b.c.d carry an IPv4 address.
  if (zeroUpTo(5) && g[5] === 0xffff) return embeddedIpv4(g[6]!, g[7]!)
  if (zeroUpTo(6)) return embeddedIpv4(g[6]!, g[7]!)
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they embed.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embeddedIpv4(g[6]!, g[7]!)
  if (g[0] === 0x2002) return embeddedIpv4(g[1]!, g[2]!)
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private' // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local' // fe80::/10
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private' // fec0::/10, deprecated site-local
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast'
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved' // documentation
  if (g[0] === 0x2001 && g[1] === 0) return 'reserved' // Teredo tunnels to any IPv4 address
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved' // discard-only
  return 'public'
}
