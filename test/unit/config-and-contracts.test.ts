import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import { InvalidJobPayloadError, jobs, parseJobData } from '../../src/jobs/contracts.ts'

describe('configuration', () => {
  it('has working defaults for a newcomer', () => {
    expect(parseConfig({})).toMatchObject({ databaseFile: 'data/plaudit.db', redisUrl: 'redis://127.0.0.1:6379', port: 3000, adminApiKey: undefined })
  })

  it('names the variable and the value that are wrong', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow('PORT="eighty"')
    expect(() => parseConfig({ PLAUDIT_ADMIN_API_KEY: 'short' })).toThrow('PLAUDIT_ADMIN_API_KEY must be at least 16 characters')
    expect(() => parseConfig({ REDIS_URL: 'not a url' })).toThrow('REDIS_URL')
  })

  it('refuses to start in production without PUBLIC_BASE_URL, and defaults it to localhost in development (issue 13)', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow('PUBLIC_BASE_URL="": required in production')
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://reviews.example.com' }).publicBaseUrl).toBe('https://reviews.example.com')
    expect(parseConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080')
  })
})

describe('job contracts', () => {
  it('declare a schema for every job name', () => {
    expect(Object.keys(jobs).sort()).toEqual(['analyze-reviews', 'backfill-themes', 'expire-authorizations', 'rebuild-feed', 'sync-location'])
  })

  it('refuse payloads that would make a worker fail, naming the field', () => {
    expect(() => parseJobData('analyze-reviews', { locationId: 'l', reviewIds: [] })).toThrow(InvalidJobPayloadError)
    expect(() => parseJobData('analyze-reviews', { locationId: 'l', reviewIds: [] })).toThrow('reviewIds')
    expect(() => parseJobData('rebuild-feed', { slug: '../etc' })).toThrow('slug')
    expect(parseJobData('analyze-reviews', { locationId: 'l', reviewIds: ['a'] })).toEqual({ locationId: 'l', reviewIds: ['a'] })
  })
})

describe('secure cookies setting', () => {
  it('is on in production unless turned off, and off elsewhere unless turned on', () => {
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://reviews.example.com' }).secureCookies).toBe(true)
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://reviews.example.com', PLAUDIT_SECURE_COOKIES: 'false' }).secureCookies).toBe(false)
    expect(parseConfig({}).secureCookies).toBe(false)
    expect(parseConfig({ PLAUDIT_SECURE_COOKIES: 'true' }).secureCookies).toBe(true)
    expect(() => parseConfig({ PLAUDIT_SECURE_COOKIES: 'yes' })).toThrow('PLAUDIT_SECURE_COOKIES')
  })
})

describe('the sync-location contract', () => {
  it('defaults to an incremental sync and refuses a missing location', () => {
    expect(parseJobData('sync-location', { locationId: 'google-1' })).toEqual({ locationId: 'google-1', full: false })
    expect(() => parseJobData('sync-location', { full: true })).toThrow('locationId')
  })
})

describe('proxy and slow-client settings (issue 13)', () => {
  it('trusts no proxy unless told, and never every proxy', () => {
    expect(parseConfig({}).trustProxy).toBe(false)
    expect(parseConfig({ PLAUDIT_TRUST_PROXY: 'off' }).trustProxy).toBe(false)
    expect(parseConfig({ PLAUDIT_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback')
    expect(parseConfig({ PLAUDIT_TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(parseConfig({ PLAUDIT_TRUST_PROXY: '10.0.0.0/8, 192.168.1.2' }).trustProxy).toBe('10.0.0.0/8, 192.168.1.2')
    expect(() => parseConfig({ PLAUDIT_TRUST_PROXY: 'true' })).toThrow('PLAUDIT_TRUST_PROXY')
    expect(() => parseConfig({ PLAUDIT_TRUST_PROXY: '0' })).toThrow('PLAUDIT_TRUST_PROXY')
  })

  it('drops a slow request within 30 s by default; the limits are configurable and checked', () => {
    expect(parseConfig({})).toMatchObject({ headersTimeoutMs: 20_000, requestTimeoutMs: 30_000 })
    expect(parseConfig({ PLAUDIT_HEADERS_TIMEOUT_MS: '5000', PLAUDIT_REQUEST_TIMEOUT_MS: '10000' })).toMatchObject({ headersTimeoutMs: 5000, requestTimeoutMs: 10_000 })
    expect(() => parseConfig({ PLAUDIT_HEADERS_TIMEOUT_MS: '40000' })).toThrow('must not exceed PLAUDIT_REQUEST_TIMEOUT_MS')
    expect(() => parseConfig({ PLAUDIT_REQUEST_TIMEOUT_MS: 'soon' })).toThrow('PLAUDIT_REQUEST_TIMEOUT_MS')
  })
})
