import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const SAMPLE = resolve(ROOT, 'samples/clinic-reviews.csv')
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('dashboard-browser')

interface DrillResult {
  total: number
  reviews: Array<{ id: string; text: string; evidence: Array<{ start: number; end: number }> }>
}

describe('the owner dashboard in a real browser', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let browser: Browser

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    await pipeline.importAndAnalyze(SAMPLE, 'clinic')
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('loads with the demo data, draws the trend chart, and opens the reviews behind a figure with the evidence marked', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const consoleErrors: string[] = []
    const origins = new Set<string>()
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()))
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    page.on('request', (request) => origins.add(new URL(request.url()).origin))

    await page.goto(`${pipeline.api.url}/app/dashboard?location=clinic&period=365`)
    await page.locator('#trend-chart[data-drawn="true"] canvas').waitFor()

    // The chart really drew: its canvas has coloured pixels (the three polarity lines).
    const coloured = await page.locator('#trend-chart canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
      let n = 0
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2])) n++
      return n
    })
    expect(coloured).toBeGreaterThan(200)

    // The accessible table beside the chart holds the same months, for the theme the chart shows.
    const shown = await page.locator('#trend-chart').getAttribute('data-theme')
    expect(await page.locator(`#trend-table tbody[data-theme="${shown}"]`).isVisible()).toBe(true)
    expect(await page.locator('#trend-table tbody:visible tr').count()).toBe(13)
    await page.selectOption('#trend-theme', 'wait-time')
    expect(await page.locator('#trend-chart').getAttribute('data-theme')).toBe('wait-time')
    expect(await page.locator('#trend-table tbody[data-theme="wait-time"]').isVisible()).toBe(true)

    expect(Number(await page.locator('#summary .big a').first().textContent())).toBeGreaterThan(50)
    expect(await page.locator('#changes li').count()).toBeGreaterThan(0)

    // Drill down: the wait-time complaints of this period.
    const link = page.locator('#themes-table tr[data-theme="wait-time"] td:nth-child(5) a.drill')
    const href = (await link.getAttribute('href'))!
    const expected = (await (await fetch(new URL(href, pipeline.api.url))).json()) as DrillResult
    expect(expected.total).toBe(Number(await link.textContent()))
    expect(expected.total).toBeGreaterThan(0)
    await link.click()
    await page.locator('#drill li').first().waitFor()
    expect(await page.locator('#drill').isVisible()).toBe(true)
    expect(await page.locator('#drill-title').textContent()).toContain('Wait time complaints')
    const shownIds = await page.locator('#drill li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.reviewId))
    expect(shownIds).toEqual(expected.reviews.map((r) => r.id))
    const marks = await page.locator('#drill li').first().locator('mark').allTextContents()
    const first = expected.reviews[0]!
    expect(marks).toEqual(first.evidence.map((e) => first.text.slice(e.start, e.end)))
    expect(await page.locator('#drill li').first().locator('blockquote').textContent()).toBe(first.text)

    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
    expect([...origins]).toEqual([pipeline.api.url.replace('localhost', '127.0.0.1')])

    // `PLAUDIT_DOCS_SCREENSHOT=1 npx vitest run test/integration/dashboard.browser.test.ts` refreshes docs/dashboard.png.
    const shotDir = process.env.PLAUDIT_DOCS_SCREENSHOT ? resolve(ROOT, 'docs') : temp.dir
    mkdirSync(shotDir, { recursive: true })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: resolve(shotDir, 'dashboard.png') })
  })

  it('every theme and star figure of the year opens exactly as many reviews as it counts', async () => {
    const base = `${pipeline.api.url}/api/v1/locations/clinic/dashboard`
    const figures = (await (await fetch(`${base}?period=365`)).json()) as {
      period: { current: { from: string; to: string } }
      stars: { current: Record<string, number> }
      themes: Array<{ theme: string; current: Record<'positive' | 'negative' | 'mixed', number> }>
    }
    const { from, to } = figures.period.current
    const total = async (query: string) => ((await (await fetch(`${base}/reviews?from=${from}&to=${to}&limit=1&${query}`)).json()) as DrillResult).total
    for (const t of figures.themes) {
      for (const polarity of ['positive', 'negative', 'mixed'] as const) expect(await total(`theme=${t.theme}&polarity=${polarity}`), `${t.theme} ${polarity}`).toBe(t.current[polarity])
    }
    for (const [stars, count] of Object.entries(figures.stars.current)) expect(await total(`rating=${stars}`)).toBe(count)
  })

  it('shows hostile review text as text in the drill-down, never as markup', async () => {
    const page = await browser.newPage()
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    // Sample row h01 (2024-01-03) carries <script>alert("x")</script> in its text.
    await page.goto(`${pipeline.api.url}/app/dashboard?location=clinic&period=custom&from=2024-01-03&to=2024-01-03`)
    await page.locator('#summary .big a').first().click()
    await page.locator('#drill li').first().waitFor()
    const texts = await page.locator('#drill li blockquote').allTextContents()
    expect(texts.some((t) => t.includes('<script>alert("x")</script>'))).toBe(true)
    expect(await page.locator('#drill li script, #drill li img').count()).toBe(0)
    expect(dialogs).toEqual([])
  })
})
