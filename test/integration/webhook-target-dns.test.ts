import { once } from 'node:events'
import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkWebhookUrl } from '../../src/domain/webhook-target.ts'
import { RuleViolationError } from '../../src/services/errors.ts'
import { guardedLookup, resolveWebhookTarget } from '../../src/services/webhook-target.ts'

// A real receiver on this machine, reached by the name "localhost": what a webhook aimed at the
// worker's own host would hit.
let receiver: Server
let port: number
let hits = 0

beforeAll(async () => {
  receiver = createServer((_request, response) => {
    hits++
    response.end('received')
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  port = (receiver.address() as AddressInfo).port
})

afterAll(async () => {
  receiver.close()
  await once(receiver, 'close')
})

/** GET through the guarded lookup: the body, or the error the connection failed with. */
async function deliver(url: string, allowPrivate: boolean): Promise<{ body: string } | { error: Error }> {
  return new Promise((resolve) => {
    const request = get(url, { lookup: guardedLookup({ allowPrivate }), family: 4 }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ body }))
    })
    request.on('error', (error) => resolve({ error }))
  })
}

describe('webhook targets resolved through DNS', () => {
  it('refuses a name that resolves to loopback when a webhook is saved, and accepts it when private targets are allowed', async () => {
    const refused = resolveWebhookTarget(`http://localhost:${port}/hook`, { allowPrivate: false })
    await expect(refused).rejects.toThrow(RuleViolationError)
    await expect(refused).rejects.toThrow(/must not name this machine/)

    const allowed = await resolveWebhookTarget(`http://localhost:${port}/hook`, { allowPrivate: true })
    expect(allowed.url.port).toBe(String(port))
    expect(allowed.addresses).toContain('127.0.0.1')
  })

  it("refuses the machine's own host name, which no URL rule knows, by what it resolves to", async () => {
    // The host name resolves through /etc/hosts to this machine (127.0.0.1 here, 127.0.1.1 on
    // Debian, the container's private address under Docker): the case of a name pointing inward.
    const name = hostname()
    expect(checkWebhookUrl(`http://${name}:${port}/hook`, { allowPrivate: false }).ok).toBe(true)
    const refused = resolveWebhookTarget(`http://${name}:${port}/hook`, { allowPrivate: false })
    await expect(refused).rejects.toThrow(RuleViolationError)
    await expect(refused).rejects.toThrow(new RegExp(`webhook host "${name}" resolves to a (loopback|private|link-local) address`))
    expect((await resolveWebhookTarget(`http://${name}:${port}/hook`, { allowPrivate: true })).addresses.length).toBeGreaterThan(0)
  })

  it('refuses a name that does not resolve, and takes an IP literal as it is', async () => {
    await expect(resolveWebhookTarget('http://hooks.plaudit.invalid/', { allowPrivate: false })).rejects.toThrow(/webhook host "hooks.plaudit.invalid" does not resolve/)
    const literal = await resolveWebhookTarget('http://93.184.215.14/hook', { allowPrivate: false })
    expect(literal.addresses).toEqual(['93.184.215.14'])
  })

  it('fails a delivery to a private address at connection time, before any byte reaches the receiver', async () => {
    const before = hits
    const outcome = await deliver(`http://localhost:${port}/hook`, false)
    expect(outcome).toEqual({ error: expect.any(RuleViolationError) })
    expect((outcome as { error: Error }).error.message).toBe(`webhook host "localhost" resolves to a loopback address (127.0.0.1)`)
    expect(hits).toBe(before)

    expect(await deliver(`http://localhost:${port}/hook`, true)).toEqual({ body: 'received' })
    expect(hits).toBe(before + 1)
  })
})
