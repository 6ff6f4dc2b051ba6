import { describe, expect, it } from 'vitest'
import { addressKind, checkResolvedAddresses, checkWebhookUrl } from '../../src/domain/webhook-target.ts'

const publicOnly = { allowPrivate: false }
const privateAllowed = { allowPrivate: true }

describe('webhook target URLs', () => {
  it('accepts a public https or http URL, and keeps it as parsed', () => {
    const checked = checkWebhookUrl('https://hooks.example.com/plaudit?team=front', publicOnly)
    expect(checked).toEqual({ ok: true, url: new URL('https://hooks.example.com/plaudit?team=front') })
    expect(checkWebhookUrl('http://93.184.215.14:8080/hook', publicOnly).ok).toBe(true)
    expect(checkWebhookUrl('http://[2606:4700:4700::1111]/hook', publicOnly).ok).toBe(true)
  })

  it('refuses schemes other than http and https, credentials in the URL, and text that is not a URL', () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)', 'data:text/plain,hi']) {
      expect(checkWebhookUrl(url, publicOnly), url).toEqual({ ok: false, reason: expect.stringMatching(/must be http or https/) })
    }
    expect(checkWebhookUrl('https://user:secret@example.com/', publicOnly)).toEqual({ ok: false, reason: expect.stringMatching(/user name or password/) })
    expect(checkWebhookUrl('not a url', publicOnly)).toEqual({ ok: false, reason: expect.stringMatching(/not a valid URL/) })
  })

  it('refuses loopback, private, link-local and unspecified hosts in every spelling', () => {
    const refused = [
      'http://127.0.0.1/', 'http://127.8.9.10:3000/', 'http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/',
      'http://10.1.2.3/', 'http://172.16.0.1/', 'http://172.31.255.255/', 'http://192.168.1.10/', 'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0/', 'http://0/', 'http://100.64.0.1/',
      // other spellings of 127.0.0.1 that URL parsers accept
      'http://2130706433/', 'http://0x7f.1/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://017700000001/',
      // IPv6: loopback, unspecified, unique local, link-local, and IPv4 addresses inside IPv6
      'http://[::1]/', 'http://[::]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:10.0.0.1]/', 'http://[::ffff:169.254.169.254]/',
      'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://[::127.0.0.1]/',
    ]
    for (const url of refused) {
      expect(checkWebhookUrl(url, publicOnly), url).toEqual({ ok: false, reason: expect.stringMatching(/must not (point at|name this machine)/) })
    }
  })

  it('accepts the same private targets when the operator allows private ones', () => {
    for (const url of ['http://127.0.0.1:4000/hook', 'http://localhost:4000/hook', 'http://2130706433/', 'http://[::1]/', 'http://192.168.1.10/']) {
      expect(checkWebhookUrl(url, privateAllowed).ok, url).toBe(true)
    }
    // Scheme and credentials stay refused.
    expect(checkWebhookUrl('ftp://127.0.0.1/', privateAllowed).ok).toBe(false)
  })
})

describe('resolved webhook addresses', () => {
  it('refuses a name when any address it resolves to is not public', () => {
    expect(checkResolvedAddresses('hooks.example.com', ['93.184.215.14'], publicOnly)).toEqual({ ok: true })
    expect(checkResolvedAddresses('rebind.example.com', ['93.184.215.14', '127.0.0.1'], publicOnly)).toEqual({
      ok: false,
      reason: 'webhook host "rebind.example.com" resolves to a loopback address (127.0.0.1)',
    })
    expect(checkResolvedAddresses('mapped.example.com', ['::ffff:192.168.0.5'], publicOnly)).toEqual({ ok: false, reason: expect.stringMatching(/private address/) })
    expect(checkResolvedAddresses('internal.example.com', ['fe80::1%eth0'], publicOnly)).toEqual({ ok: false, reason: expect.stringMatching(/link-local/) })
    expect(checkResolvedAddresses('nothing.example.com', [], privateAllowed).ok).toBe(false)
    expect(checkResolvedAddresses('localhost', ['127.0.0.1', '::1'], privateAllowed)).toEqual({ ok: true })
  })

  it('classifies addresses at the edges of each range', () => {
    expect(addressKind('172.15.255.255')).toBe('public')
    expect(addressKind('172.16.0.0')).toBe('private')
    expect(addressKind('172.32.0.0')).toBe('public')
    expect(addressKind('126.255.255.255')).toBe('public')
    expect(addressKind('128.0.0.0')).toBe('public')
    expect(addressKind('255.255.255.255')).toBe('reserved')
    expect(addressKind('224.0.0.1')).toBe('multicast')
    expect(addressKind('fbff::1')).toBe('public')
    expect(addressKind('fe7f::1')).toBe('public')
    expect(addressKind('febf::1')).toBe('link-local')
    expect(addressKind('ff02::1')).toBe('multicast')
    expect(addressKind('::ffff:8.8.8.8')).toBe('public')
    expect(addressKind('example.com')).toBeNull()
    expect(addressKind('1:2:3:4:5:6:7:8:9')).toBeNull()
    expect(addressKind('01.2.3.4')).toBeNull()
  })
})
