import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { setAggregate } from '../../src/db/stores/locations.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { launchChromium } from '../support/browser.ts'
import { writeReviewsCsv, type CsvReview } from '../support/csv.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('widget-browser')
/** Screenshots land in a temp dir; `UPDATE_SCREENSHOTS=1 npx vitest run test/integration/widget.browser.test.ts` refreshes docs/. */
const DOCS = process.env.UPDATE_SCREENSHOTS === '1' ? resolve(import.meta.dirname, '../../docs') : mkdtempSync(join(tmpdir(), 'plaudit-widget-shots-'))

const RUSHED = Array.from({ length: 4 }, (_, i): CsvReview => ({ id: `r${i}`, rating: 5, text: `I never felt rushed here, visit ${i + 1} was calm and thorough.`, createdAt: `2026-0${i + 1}-10T10:00:00Z` }))
const POSTURE = Array.from({ length: 3 }, (_, i): CsvReview => ({ id: `p${i}`, rating: 5, text: `She fixed my desk posture and my neck pain is gone after ${i + 2} weeks.`, createdAt: `2026-0${i + 5}-10T10:00:00Z` }))
const LONG_WORD = 'a'.repeat(600)
/** Review texts (and names) an attacker would post to a public review site. */
const HOSTILE: CsvReview[] = [
  { id: 'h0', rating: 5, author: '<img src=x onerror=alert(1)>', text: 'Great care <script>alert("xss")</script> truly.' },
  { id: 'h1', rating: 4, author: 'Eve "onmouseover=alert(2)', text: '<img src=x onerror="alert(3)"> <a href="javascript:alert(4)">click</a> best clinic' },
  { id: 'h2', rating: 5, author: '\u202Eevil name', text: '\u202Egnizama saw tI \u202C and the desk was kind' },
  { id: 'h3', rating: 5, text: `Loved it ${LONG_WORD} end` },
  { id: 'h4', rating: 3, text: '"><svg onload=alert(5)> {{constructor.constructor("alert(6)")()}} ${alert(7)}' },
]
const LOW: CsvReview[] = Array.from({ length: 30 }, (_, i) => ({ id: `low${i}`, rating: 1, text: `Waited an hour and nobody said sorry (${i}).`, createdAt: `2025-12-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z` }))

describe('the widget on a practice website, in a real browser', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let browser: Browser
  let host: Server
  let hostUrl: string
  let apiUrl: string
  const hostPages = new Map<string, string>()

  const publish = async (slug: string, title: string, reviewIds: string[]) => {
    const ids: string[] = []
    for (const external of reviewIds) {
      const all = [...RUSHED, ...POSTURE, ...HOSTILE]
      const text = all.find((r) => r.id === external)!.text
      ids.push((await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', external), start: 0, end: text.length, publish: true }, 'test', NOW)).id)
    }
    await replaceCollection(temp.db, { slug, title, testimonialIds: ids }, 'test', NOW)
    pipeline.api.feeds.put((await publishFeed(temp.db, slug, NOW))!)
    return ids
  }

  /** A page of the practice's own site, on another origin than Plaudit. */
  const hostPage = (name: string, body: string, head = '') => {
    hostPages.set(
      `/${name}`,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Clinic</title><link rel="icon" href="data:,">
<style>body{font:20px/3 Georgia,serif;color:rgb(255,0,0);margin:0;padding:1rem}li{color:rgb(255,0,0)!important;border:7px dashed rgb(255,0,0)}blockquote.site{}section{background:rgb(0,255,0)}</style>${head}
<script async src="${apiUrl}/widget.js"></script></head><body><h1>Our clinic</h1>${body}<p id="after">Text after the widget.</p><blockquote id="outside">The site's own quote.</blockquote></body></html>`,
    )
    return `${hostUrl}/${name}`
  }

  /** Opens a page, counting layout shift, requests, dialogs and errors from the first byte. */
  const open = async (url: string, context?: BrowserContext) => {
    const page = await (context ?? browser).newPage()
    const seen = { requests: [] as string[], dialogs: [] as string[], errors: [] as string[] }
    page.on('request', (r) => seen.requests.push(r.url()))
    page.on('dialog', (d) => {
      seen.dialogs.push(d.message())
      void d.dismiss()
    })
    page.on('pageerror', (e) => seen.errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && seen.errors.push(m.text()))
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number }
      w.__cls = 0
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!entry.hadRecentInput) w.__cls += entry.value
      }).observe({ type: 'layout-shift', buffered: true })
    })
    await page.goto(url)
    return { page, seen }
  }
  const rendered = async (page: Page, selector = 'plaudit-reviews') => {
    await page.locator(selector).locator('section').first().waitFor()
    // Two frames after the render, so any shift it caused has been reported.
    return page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r((window as unknown as { __cls: number }).__cls)))))
  }

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    apiUrl = pipeline.api.url.replace('localhost', '127.0.0.1')
    await pipeline.importAndAnalyze(writeReviewsCsv(temp.dir, 'clinic.csv', [...RUSHED, ...POSTURE, ...HOSTILE, ...LOW]), 'clinic')
    await setAggregate(temp.db, 'clinic', { source: 'google-business-profile', rating: 4.62, count: 212, url: 'https://maps.google.com/?cid=1234', checkedAt: new Date('2026-11-19T08:00:00Z') })
    await temp.db.run(sql`update reviews set url = 'javascript:alert(8)' where external_id = 'h1'`)
    await temp.db.run(sql`update reviews set url = 'https://maps.google.com/?cid=1234&review=r0' where external_id = 'r0'`)
    await publish('home', 'Home', ['r0', 'r1', 'p0', 'r2', 'p1', 'r3', 'p2'])
    await publish('hostile', 'Hostile', HOSTILE.map((h) => h.id))

    host = createServer((req, res) => {
      const page = hostPages.get(req.url ?? '')
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
      res.end(page ?? 'not found')
    })
    host.listen(0, '127.0.0.1')
    await once(host, 'listening')
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
    browser = await launchChromium()
    mkdirSync(DOCS, { recursive: true })
  })
  afterAll(async () => {
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(DOCS, { recursive: true, force: true })
    await browser?.close()
    host?.close()
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('renders each layout on another origin with the label, the aggregate, "See all 212 reviews on Google" and no layout shift', async () => {
    const layouts = [
      { layout: 'grid', height: 480, items: 6 },
      { layout: 'list', height: 480, items: 6 },
      { layout: 'carousel', height: 320, items: 6 },
      { layout: 'badge', height: 64, items: 0 },
    ]
    for (const { layout, height, items } of layouts) {
      const { page, seen } = await open(hostPage(`layout-${layout}`, `<p>Intro paragraph.</p><plaudit-reviews collection="home" layout="${layout}" max="6" style="display:block;height:${height}px"></plaudit-reviews>`))
      const cls = await rendered(page)
      const widget = page.locator('plaudit-reviews')
      expect(cls, `${layout}: cumulative layout shift`).toBe(0)
      expect(await widget.getByRole('region', { name: 'Selected patient reviews' }).count()).toBe(1)
      expect(await widget.locator('h2').textContent()).toBe('Selected patient reviews')
      expect(await widget.locator('.agg').textContent()).toBe('★★★★☆ 4.6 average over all 212 Google reviews')
      expect(await widget.locator('.agg [role=img]').getAttribute('aria-label')).toBe('4.6 out of 5 stars')
      const seeAll = widget.getByRole('link', { name: 'See all 212 reviews on Google' })
      expect(await seeAll.getAttribute('href')).toBe('https://maps.google.com/?cid=1234')
      expect(await widget.locator('li').count()).toBe(items)
      expect((await widget.boundingBox())!.height).toBe(height)
      if (items > 0) {
        const first = widget.locator('li').first()
        expect(await first.locator('blockquote').textContent()).toBe('I never felt rushed here, visit 1 was calm and thorough.')
        expect(await first.locator('.meta').nth(0).textContent()).toBe('Verified patient · 2026-01-10')
        expect(await first.locator('.meta').nth(1).textContent()).toBe('Imported review · checked 2026-11-19')
        expect(await first.getByRole('link', { name: 'Read the full review' }).getAttribute('href')).toBe('https://maps.google.com/?cid=1234&review=r0')
        expect(await first.getByRole('img').getAttribute('aria-label')).toBe('5 out of 5 stars')
      }
      const origins = new Set(seen.requests.map((u) => new URL(u).origin))
      expect(seen.requests.filter((u) => u.startsWith(apiUrl))).toEqual([`${apiUrl}/widget.js`, `${apiUrl}/api/public/v1/collections/home`])
      expect(origins).toEqual(new Set([hostUrl, apiUrl]))
      expect(seen.errors).toEqual([])
      await page.screenshot({ path: resolve(DOCS, `widget-${layout}.png`), fullPage: true })
      if (layout === 'grid') {
        const columns = () => widget.locator('ul').evaluate((ul) => getComputedStyle(ul).gridTemplateColumns.split(' ').length)
        expect(await columns()).toBe(4)
        await page.setViewportSize({ width: 360, height: 740 }) // a phone
        expect(await columns()).toBe(1)
        expect(await widget.locator('li').first().evaluate((li) => li.scrollWidth <= li.clientWidth)).toBe(true)
      }
      await page.close()
    }
  })

  it('measures the shift a widget without reserved height would cause (the measurement can fail)', async () => {
    const { page } = await open(hostPage('unreserved', '<plaudit-reviews collection="home" layout="list"></plaudit-reviews>', '<style>plaudit-reviews{height:auto!important}</style>'))
    expect(await rendered(page)).toBeGreaterThan(0)
    await page.close()
  })

  it('keeps the site CSS out and its own CSS in', async () => {
    const { page } = await open(hostPage('isolation', '<plaudit-reviews collection="home" layout="grid" style="display:block;height:480px"></plaudit-reviews>'))
    await rendered(page)
    const inside = await page.locator('plaudit-reviews li').first().evaluate((li) => {
      const style = getComputedStyle(li)
      const section = getComputedStyle(li.closest('section')!)
      return { color: style.color, border: style.borderTopWidth, family: style.fontFamily, quote: getComputedStyle(li.querySelector('blockquote')!).display, background: section.backgroundColor }
    })
    expect(inside.color).not.toBe('rgb(255, 0, 0)')
    expect(inside.border).toBe('1px')
    expect(inside.family).not.toContain('Georgia')
    expect(inside.quote).toBe('block')
    expect(inside.background).toBe('rgb(255, 255, 255)')
    const outside = await page.locator('#outside').evaluate((q) => getComputedStyle(q).marginLeft)
    expect(outside).toBe('40px') // the browser's own blockquote margin, untouched by the widget's
    await page.close()
  })

  it('shows only testimonials of the chosen theme', async () => {
    const { page } = await open(hostPage('theme', '<plaudit-reviews collection="home" layout="list" theme="posture" style="display:block;height:480px"></plaudit-reviews>'))
    await rendered(page)
    const quotes = await page.locator('plaudit-reviews blockquote').allTextContents()
    expect(quotes).toHaveLength(3)
    expect(quotes.every((q) => q.includes('posture'))).toBe(true)
    await page.close()
  })

  it('runs the carousel from the keyboard and respects reduced motion', async () => {
    const context = await browser.newContext({ reducedMotion: 'reduce' })
    const carouselUrl = hostPage('carousel', '<a href="#" id="start">start</a><plaudit-reviews collection="home" layout="carousel" max="3" style="display:block;height:320px"></plaudit-reviews>')
    const { page } = await open(carouselUrl, context)
    await rendered(page)
    const widget = page.locator('plaudit-reviews')
    const status = widget.locator('.nav span')
    const visible = () => widget.locator('li:not([inert]) blockquote').allTextContents()
    expect(await status.textContent()).toBe('Review 1 of 3')
    await page.locator('#start').focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-roledescription'))).toBe('carousel')
    expect(await widget.getByRole('group', { name: 'Testimonials, one at a time' }).count()).toBe(1)
    expect(await widget.getByRole('group', { name: '1 of 3' }).count()).toBe(1)
    await page.keyboard.press('ArrowRight')
    expect(await status.textContent()).toBe('Review 2 of 3')
    expect(await visible()).toEqual(['I never felt rushed here, visit 2 was calm and thorough.'])
    await page.keyboard.press('End')
    expect(await status.textContent()).toBe('Review 3 of 3')
    await page.keyboard.press('Tab') // to "Previous review"
    await page.keyboard.press('Enter')
    expect(await status.textContent()).toBe('Review 2 of 3')
    expect(await widget.locator('ul').evaluate((ul) => getComputedStyle(ul).transitionDuration)).toBe('0s')
    await context.close()

    const moving = await browser.newContext({ reducedMotion: 'no-preference' })
    const second = await open(carouselUrl, moving)
    await rendered(second.page)
    expect(await second.page.locator('plaudit-reviews ul').evaluate((ul) => getComputedStyle(ul).transitionDuration)).toBe('0.3s')
    await moving.close()
  })

  it('follows the light or dark preference, and the site can restyle it through custom properties', async () => {
    const url = hostPage('scheme', '<plaudit-reviews collection="home" layout="grid" max="2" style="display:block;height:480px"></plaudit-reviews><plaudit-reviews id="branded" collection="home" layout="badge" style="display:block;height:64px;--plaudit-bg:rgb(1,2,3);--plaudit-text:rgb(250,250,250)"></plaudit-reviews>')
    const background = (page: Page, selector: string) => page.locator(selector).locator('section').evaluate((s) => [getComputedStyle(s).backgroundColor, getComputedStyle(s).color])
    for (const [scheme, expected] of [
      ['light', ['rgb(255, 255, 255)', 'rgb(31, 41, 51)']],
      ['dark', ['rgb(27, 31, 36)', 'rgb(230, 237, 243)']],
    ] as const) {
      const context = await browser.newContext({ colorScheme: scheme })
      const { page } = await open(url, context)
      await rendered(page, 'plaudit-reviews >> nth=0')
      await rendered(page, '#branded')
      expect(await background(page, 'plaudit-reviews >> nth=0')).toEqual(expected)
      expect(await background(page, '#branded')).toEqual(['rgb(1, 2, 3)', 'rgb(250, 250, 250)'])
      await page.screenshot({ path: resolve(DOCS, `widget-${scheme}.png`), fullPage: true })
      await context.close()
    }
  })

  it('sets no cookie and fetches nothing until it comes near the viewport', async () => {
    const context = await browser.newContext()
    const { page, seen } = await open(hostPage('lazy', '<div style="height:5000px">Long page.</div><plaudit-reviews collection="home" layout="list" style="display:block;height:480px"></plaudit-reviews>'), context)
    await page.waitForFunction(() => customElements.get('plaudit-reviews') !== undefined)
    expect(seen.requests.some((u) => u.includes('/api/public/'))).toBe(false)
    await page.locator('plaudit-reviews').scrollIntoViewIfNeeded()
    await rendered(page)
    expect(seen.requests.filter((u) => u.includes('/api/public/'))).toHaveLength(1)
    expect(await context.cookies()).toEqual([])
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await context.close()
  })

  it('shows a withdrawn testimonial gone on the next page load, after the rebuild job', async () => {
    const [kept, withdrawn] = await publish('fresh', 'Fresh', ['r0', 'r1'])
    const context = await browser.newContext()
    const url = hostPage('fresh', '<plaudit-reviews collection="fresh" layout="list" style="display:block;height:480px"></plaudit-reviews>')
    const { page, seen } = await open(url, context)
    await rendered(page)
    expect(await page.locator('plaudit-reviews li').count()).toBe(2)

    await temp.db.run(sql`update testimonials set status = 'withdrawn', withdrawn_reason = 'patient asked' where id = ${withdrawn}`)
    const reloaded = once(pipeline.api.feeds, 'reloaded')
    await pipeline.queue.add('rebuild-feed', { slug: 'fresh' })
    await reloaded
    const feedRequests: Array<Promise<Record<string, string>>> = []
    page.on('request', (r) => void (r.url().includes('/collections/fresh') && feedRequests.push(r.allHeaders())))
    await page.reload()
    await rendered(page)
    expect(await page.locator('plaudit-reviews li').count()).toBe(1)
    expect(feedRequests).toHaveLength(1)
    expect(kept).toBeDefined()

    await page.reload() // the browser asks again on every page load, with the ETag it holds
    await rendered(page)
    expect(feedRequests).toHaveLength(2)
    expect((await feedRequests[1]!)['if-none-match']).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(await page.locator('plaudit-reviews li').count()).toBe(1)
    expect(seen.errors).toEqual([])
    await context.close()
  })

  it('renders hostile review texts and names as inert text without breaking the layout', async () => {
    const { page, seen } = await open(hostPage('hostile', '<div style="width:360px"><plaudit-reviews collection="hostile" layout="list" max="10" style="display:block;height:600px"></plaudit-reviews></div>'))
    const cls = await rendered(page)
    const widget = page.locator('plaudit-reviews')
    const quotes = await widget.locator('blockquote').allTextContents()
    expect(quotes).toHaveLength(HOSTILE.length)
    expect(quotes[0]).toContain('<script>alert("xss")</script>')
    expect(quotes[1]).toContain('<img src=x onerror="alert(3)">')
    expect(await widget.locator('script, img, svg, iframe, [onerror], [onload], [onmouseover]').count()).toBe(0)
    const hrefs = await widget.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))
    expect(hrefs.every((h) => h.startsWith('https://'))).toBe(true)
    expect(await widget.locator('.meta bdi').allTextContents()).toEqual(HOSTILE.map(() => 'Verified patient'))
    const overflow = await widget.locator('li').evaluateAll((items) => items.map((li) => li.scrollWidth - li.clientWidth))
    expect(overflow.every((o) => o <= 0)).toBe(true)
    expect((await widget.boundingBox())!).toMatchObject({ width: 360, height: 600 })
    expect(cls).toBe(0)
    await widget.locator('a').first().hover()
    expect(seen.dialogs).toEqual([])
    expect(seen.errors).toEqual([])
    await page.screenshot({ path: resolve(DOCS, 'widget-hostile.png'), fullPage: true })
    await page.close()
  })

  it('renders the iframe embed under its CSP, with no script and its styles applied', async () => {
    const { page, seen } = await open(
      hostPage('iframe', `<iframe title="Patient reviews" sandbox="allow-popups allow-popups-to-escape-sandbox" src="${apiUrl}/embed/hostile?layout=list&amp;max=5" style="width:100%;height:700px;border:0"></iframe>`),
    )
    const frame = page.frameLocator('iframe')
    await frame.locator('li').first().waitFor()
    expect(await frame.locator('h2').textContent()).toBe('Selected patient reviews')
    expect(await frame.locator('blockquote').first().textContent()).toContain('<script>alert("xss")</script>')
    expect(await frame.locator('script, img, svg').count()).toBe(0)
    expect(await frame.locator('li').first().evaluate((li) => getComputedStyle(li).borderTopWidth)).toBe('1px')
    expect(await frame.getByRole('link', { name: 'See all 212 reviews on Google' }).count()).toBe(1)
    expect(seen.errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([])
    expect(seen.dialogs).toEqual([])
    await page.screenshot({ path: resolve(DOCS, 'embed-iframe.png'), fullPage: true })
    await page.close()
  })

  it('lists every review on the public page, low ratings included, with theme filters and pages', async () => {
    const { page } = await open(`${apiUrl}/reviews/clinic`)
    expect(await page.locator('h1').textContent()).toBe('All reviews of clinic')
    expect(await page.locator('main li').count()).toBe(20)
    const seen: string[] = []
    for (;;) {
      seen.push(...(await page.locator('main li .stars').evaluateAll((s) => s.map((e) => e.getAttribute('aria-label')!))))
      const next = page.getByRole('link', { name: 'Older reviews →' })
      if ((await next.count()) === 0) break
      await next.click()
    }
    expect(seen).toHaveLength(RUSHED.length + POSTURE.length + HOSTILE.length + LOW.length)
    expect(seen.filter((s) => s === '1 out of 5 stars')).toHaveLength(LOW.length)
    await page.goto(`${apiUrl}/reviews/clinic?sort=highest`)
    expect(await page.locator('main').textContent()).toContain('<script>alert("xss")</script>')
    await page.getByRole('navigation', { name: 'Topics' }).getByRole('link', { name: 'posture' }).click()
    expect(new URL(page.url()).searchParams.get('theme')).toBe('posture')
    expect(await page.locator('main li .text').allTextContents()).toEqual(POSTURE.map((p) => p.text).reverse())
    expect(await page.locator('script[type="application/ld+json"]').count()).toBe(0)
    await page.close()
  })
})
