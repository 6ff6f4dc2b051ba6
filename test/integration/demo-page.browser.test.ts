import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { publishFeed } from '../../src/services/feed-publisher.ts'
import { launchChromium } from '../support/browser.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const SAMPLE = resolve(import.meta.dirname, '../../samples/clinic-reviews.csv')
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('demo-page')

describe('the demo page in a real browser', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let browser: Browser
  const hostile = (parse(readFileSync(SAMPLE), { columns: true }) as Array<{ id: string; text: string }>).find((r) => r.text.includes('<script>'))!

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    await pipeline.importAndAnalyze(SAMPLE, 'clinic')
    const scriptAt = hostile.text.indexOf('<script>')
    const sentenceEnd = hostile.text.indexOf('</script>') + '</script>'.length
    const quoted = await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', hostile.id), start: scriptAt, end: sentenceEnd, publish: true }, 'test', NOW)
    const plain = await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', 's001'), start: 0, end: 20, publish: true }, 'test', NOW)
    await replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [quoted.id, plain.id] }, 'test', NOW)
    pipeline.api.feeds.put((await publishFeed(temp.db, 'home', NOW))!)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('shows the collection as the website would, with hostile text as plain text and no script run', async () => {
    const page = await browser.newPage()
    const consoleErrors: string[] = []
    const dialogs: string[] = []
    const requests: string[] = []
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()))
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    page.on('request', (request) => requests.push(new URL(request.url()).origin))

    await page.goto(pipeline.api.url)
    const widget = page.locator('plaudit-reviews[collection="home"]')
    await widget.locator('li').first().waitFor()

    expect(await widget.locator('h2').textContent()).toBe('Selected patient reviews')
    const quotes = await widget.locator('blockquote').allTextContents()
    expect(quotes).toHaveLength(2)
    expect(quotes[0]).toContain('<script>')
    expect(await widget.locator('script, img').count()).toBe(0)
    expect(await widget.locator('.meta').first().textContent()).toContain('Verified patient')
    expect(await widget.locator('.agg').textContent()).toMatch(/average over all 352 reviews$/)
    expect(await widget.locator('.meta').allTextContents()).toContainEqual(expect.stringMatching(/^Imported review · checked \d{4}-\d{2}-\d{2}$/))
    expect(dialogs).toEqual([])
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
    expect(new Set(requests)).toEqual(new Set([pipeline.api.url.replace('localhost', '127.0.0.1')]))
    await page.screenshot({ path: resolve(temp.dir, 'demo.png') })
  })
})
