import { lookup, type LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { checkResolvedAddresses, checkWebhookUrl, type WebhookTargetOptions } from '../domain/webhook-target.ts'
import { RuleViolationError } from './errors.ts'

// The DNS half of the webhook target rule (src/domain/webhook-target.ts has the pure half): a
// public-looking name may resolve to 127.0.0.1 or the LAN. Checking once when the webhook is saved
// is not enough, since the name's records can change before a delivery (DNS rebinding), so
// deliveries connect through guardedLookup: the address the socket connects to is the one that
// was checked. Node skips `lookup` for an IP literal, so a delivery also runs checkWebhookUrl on
// every URL it requests, the Location of each redirect included.

function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)))
  })
}

export interface ResolvedWebhookTarget {
  url: URL
  addresses: string[]
}

/**
 * Checks a webhook URL and what its host resolves to now; used when an owner saves a webhook, so
 * the refusal names the problem at once. Throws RuleViolationError with the reason.
 */
export async function resolveWebhookTarget(rawUrl: string, options: WebhookTargetOptions): Promise<ResolvedWebhookTarget> {
  const checked = checkWebhookUrl(rawUrl, options)
  if (!checked.ok) throw new RuleViolationError(checked.reason)
  const hostname = checked.url.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  try {
    addresses = (await lookupAll(hostname)).map((a) => a.address)
  } catch (error) {
    throw new RuleViolationError(`webhook host "${hostname}" does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  const resolved = checkResolvedAddresses(hostname, addresses, options)
  if (!resolved.ok) throw new RuleViolationError(resolved.reason)
  return { url: checked.url, addresses }
}

/**
 * A `lookup` for http(s).request / Agent: resolves as Node would and fails the connection with
 * RuleViolationError when any address is not public, so a delivery never reaches a private host.
 */
export function guardedLookup(options: WebhookTargetOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, [])
      const checked = checkResolvedAddresses(hostname, addresses.map((a) => a.address), options)
      if (!checked.ok) return callback(new RuleViolationError(checked.reason), [])
      if (lookupOptions.all) return callback(null, addresses)
      const first = addresses[0]!
      callback(null, first.address, first.family)
    })
  }
}
