import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { totpCode } from '../../src/services/accounts.ts'
import { seedUser, PASSWORD } from '../support/accounts.ts'
import { launchChromium } from '../support/browser.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const SAMPLE = resolve(import.meta.dirname, '../../samples/clinic-reviews.csv')
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('curate-browser')

/** Drags the mouse across characters [start, end) of a review's text, as a person would. */
async function dragSelect(page: Page, reviewId: string, start: number, end: number): Promise<void> {
  const box = await page.evaluate(
    ({ reviewId, start, end }) => {
      const text = document.querySelector(`li[data-review-id="${reviewId}"] .text`)!
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT)
      const at = (offset: number, edge: 'start' | 'end') => {
        let seen = 0
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent!.length
          if (offset < seen + length || (edge === 'end' && offset === seen + length)) {
            const range = document.createRange()
            const local = offset - seen
            range.setStart(node, edge === 'start' ? local : local - 1)
            range.setEnd(node, edge === 'start' ? local + 1 : local)
            walker.currentNode = text
            return range.getBoundingClientRect()
          }
          seen += length
        }
        throw new Error(`offset ${offset} is outside the text`)
      }
      const first = at(start, 'start')
      const last = at(end, 'end')
      return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 }
    },
    { reviewId, start, end },
  )
  await page.mouse.move(box.x1, box.y1)
  await page.mouse.down()
  await page.mouse.move(box.x2, box.y2, { steps: 8 })
  await page.mouse.up()
}

describe('the curation workspace in a real browser', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let browser: Browser
  let page: Page
  const dialogs: string[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => NOW)
    await pipeline.importAndAnalyze(SAMPLE, 'clinic')
    await seedUser(temp.db, 'mia@clinic.test', 'marketing', NOW)
    await seedUser(temp.db, 'owner@clinic.test', 'owner', NOW)
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()))
  })
  afterAll(async () => {
    await browser?.close()
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  it('sends a visitor who is not signed in to the sign-in page, and signs marketing in', async () => {
    await page.goto(`${pipeline.api.url}/app/curate`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.getByLabel('E-mail', { exact: true }).fill('mia@clinic.test')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL('**/app/curate')
    await page.locator('#results li').first().waitFor()
  })

  it('searches "rushed", cuts a sentence with the mouse, previews it as the widget will show it, and adds it to a collection', async () => {
    const review = reviewIdFor('clinic', 'import', 's035') // "Excellent care, never rushed. The only problem is getting in: …"
    await page.getByLabel('Words', { exact: true }).fill('rushed')
    await page.getByLabel('From', { exact: true }).fill('2024-02-01')
    await page.getByLabel('To', { exact: true }).fill('2024-02-29')
    await page.getByLabel('Words', { exact: true }).press('Enter')
    const item = page.locator(`li[data-review-id="${review}"]`)
    await item.waitFor()
    expect(await item.locator('.chip').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('never-rushed · positive')]))
    expect(await item.locator('mark').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/rushed/)]))

    await dragSelect(page, review, 0, 'Excellent care, never rushed.'.length)
    await item.getByRole('button', { name: 'Use selection' }).click()
    const preview = page.locator('#preview')
    await expect.poll(() => preview.locator('blockquote').textContent()).toBe('Excellent care, never rushed. …')
    expect(await preview.locator('h2').textContent()).toBe('Selected patient reviews')
    expect(await preview.locator('.meta').first().textContent()).toContain('Verified patient')

    await page.getByLabel('Collection', { exact: true }).fill('upper-back-pain')
    await page.getByRole('button', { name: 'Add to collection' }).click()
    await expect.poll(() => page.locator('#items blockquote').allTextContents()).toEqual(['Excellent care, never rushed.'])
  })

  it('cuts a sentence with the keyboard alone', async () => {
    const review = reviewIdFor('clinic', 'import', 's107') // "Never rushed, always gentle. Exactly what I was looking for."
    await page.getByLabel('From', { exact: true }).fill('')
    await page.getByLabel('To', { exact: true }).fill('')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('/')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('always gentle')
    await page.keyboard.press('Enter')
    const text = page.locator(`li[data-review-id="${review}"] .text`)
    await text.waitFor()
    await text.focus()
    for (let i = 0; i < 'Never rushed, always gentle.'.length; i++) await page.keyboard.press('Shift+ArrowRight')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#preview blockquote').textContent()).toBe('Never rushed, always gentle. …')
    await page.getByLabel('Collection', { exact: true }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#items blockquote').allTextContents()).toEqual(['Excellent care, never rushed.', 'Never rushed, always gentle.'])
  })

  it('reorders with the keyboard, publishes, and the public feed shows the excerpts in that order', async () => {
    await page.getByRole('button', { name: /^Move up: Never rushed/ }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#items blockquote').allTextContents()).toEqual(['Never rushed, always gentle.', 'Excellent care, never rushed.'])
    for (const name of [/^Publish: Never rushed/, /^Publish: Excellent care/]) {
      await page.getByRole('button', { name }).click()
      await page.getByRole('button', { name: new RegExp(name.source.replace('Publish', 'Unpublish')) }).waitFor()
    }
    if (process.env.PLAUDIT_SCREENSHOTS) {
      mkdirSync(resolve(import.meta.dirname, '../../docs'), { recursive: true })
      await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/curation-workspace.png') })
    }

    const feed = (await (await fetch(`${pipeline.api.url}/api/public/v1/collections/upper-back-pain`)).json()) as { label: string; testimonials: Array<{ excerpt: string; attribution: string }> }
    expect(feed.label).toBe('Selected patient reviews')
    expect(feed.testimonials.map((t) => [t.excerpt, t.attribution])).toEqual([
      ['Never rushed, always gentle. …', 'Verified patient'],
      ['Excellent care, never rushed. …', 'Verified patient'],
    ])
    const site = await browser.newPage()
    await site.goto(pipeline.api.url)
    const widget = site.locator('plaudit-reviews[collection="upper-back-pain"]')
    await widget.locator('li').first().waitFor()
    expect(await widget.locator('blockquote').allTextContents()).toEqual(['Never rushed, always gentle. …', 'Excellent care, never rushed. …'])
    await site.close()
  })

  it('shows a review whose text is an XSS payload as inert text', async () => {
    await page.getByLabel('Words', { exact: true }).fill('nephew websites')
    await page.getByLabel('Words', { exact: true }).press('Enter')
    const item = page.locator(`li[data-review-id="${reviewIdFor('clinic', 'import', 'h01')}"]`)
    await item.waitFor()
    expect(await item.locator('.text').textContent()).toContain('<script>alert("x")</script>')
    expect(await item.locator('.text').textContent()).toContain('<img src=x onerror=alert(1)>')
    expect(await page.locator('#results script, #results img').count()).toBe(0)
    expect(dialogs).toEqual([])
    expect(pageErrors, pageErrors.join('\n')).toEqual([])
  })

  it('confirms a theme chip, adds a missed theme and hides a review for a listed reason', async () => {
    const review = reviewIdFor('clinic', 'import', 's113') // "Didn't listen to a word I said. Rushed, dismissive, …" (1 star)
    await page.getByLabel('Words', { exact: true }).fill('dismissive')
    await page.getByLabel('Words', { exact: true }).press('Enter')
    const item = page.locator(`li[data-review-id="${review}"]`)
    await item.waitFor()
    const firstChip = (await item.locator('.chip').first().textContent())!.split(' · ')[0]!
    await item.getByRole('button', { name: `Confirm ${firstChip}` }).click()
    await expect.poll(() => page.locator(`li[data-review-id="${review}"] .chip`).first().textContent()).toContain('confirmed')
    await page.locator(`li[data-review-id="${review}"]`).getByLabel('Missed theme').selectOption('clear-explanation')
    await page.locator(`li[data-review-id="${review}"]`).getByLabel('Its polarity').selectOption('negative')
    await page.locator(`li[data-review-id="${review}"]`).getByRole('button', { name: 'Add theme' }).click()
    await expect.poll(() => page.locator(`li[data-review-id="${review}"] .chip`).allTextContents()).toContainEqual(expect.stringContaining('clear-explanation · negative · added'))
    const reasons = await page.locator(`li[data-review-id="${review}"]`).getByLabel('Reason to hide').locator('option').allTextContents()
    expect(reasons.slice(1)).toEqual(['spam', 'off-topic', 'privacy', 'profanity', 'suspected-fake', 'not-a-patient', 'duplicate'])
    await page.locator(`li[data-review-id="${review}"]`).getByLabel('Reason to hide').selectOption('duplicate')
    await page.locator(`li[data-review-id="${review}"]`).getByRole('button', { name: 'Hide' }).click()
    await expect.poll(() => page.locator(`li[data-review-id="${review}"] .hidden-note`).textContent()).toContain('Hidden from public lists: duplicate (by user:mia@clinic.test')
  })

  it('does not let marketing open the users page', async () => {
    const response = await page.goto(`${pipeline.api.url}/app/users`)
    expect(response?.status()).toBe(403)
    expect(await page.locator('h1').textContent()).toBe('Owners only')
    expect(await page.locator('#users').count()).toBe(0)
  })

  it('lets an owner invite a person, create an API key shown once, revoke it, and turn on a second factor', async () => {
    const context = await browser.newContext()
    const owner = await context.newPage()
    owner.on('pageerror', (error) => pageErrors.push(error.message))
    const signIn = async (code?: string) => {
      await owner.goto(`${pipeline.api.url}/login?next=/app/users`)
      await owner.getByLabel('E-mail', { exact: true }).fill('owner@clinic.test')
      await owner.getByLabel('Password', { exact: true }).fill(PASSWORD)
      if (code) await owner.getByLabel(/One-time code/).fill(code)
      await owner.getByRole('button', { name: 'Sign in' }).click()
    }
    await signIn()
    await owner.waitForURL('**/app/users')
    await owner.locator('#users tr').first().waitFor()

    const invite = owner.locator('#invite')
    await invite.getByLabel('E-mail').fill('sam@clinic.test')
    await invite.getByLabel(/First password/).fill('a long enough first password')
    await invite.getByRole('button', { name: 'Invite' }).click()
    await owner.locator('#users tr', { hasText: 'sam@clinic.test' }).waitFor()

    await owner.locator('#new-key').getByLabel('Name').fill('site-builder')
    await owner.getByRole('button', { name: 'Create key' }).click()
    await expect.poll(() => owner.locator('#new-key-value').textContent()).toMatch(/plk_[\w-]{43}/)
    const key = (await owner.locator('#new-key-value').textContent())!.match(/plk_[\w-]{43}/)![0]
    await owner.reload()
    await owner.locator('#keys tr', { hasText: 'site-builder' }).waitFor()
    expect(await owner.content()).not.toContain(key)
    await owner.getByRole('button', { name: 'Revoke key site-builder' }).click()
    await owner.getByRole('button', { name: 'Revoke key site-builder' }).waitFor({ state: 'detached' })
    expect((await fetch(`${pipeline.api.url}/api/v1/curation/search`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401)

    await owner.getByRole('button', { name: 'Set up a second factor' }).click()
    await owner.locator('#totp-setup').waitFor()
    const secret = (await owner.locator('#totp-secret').textContent())!
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    await owner.getByLabel('Code from the app').fill(totpCode(secret, NOW))
    await owner.getByRole('button', { name: 'Turn on' }).click()
    await expect.poll(() => owner.locator('#totp-status').textContent()).toContain('Second factor on')
    await owner.getByRole('button', { name: 'Sign out' }).click()
    await owner.waitForURL('**/login')
    await signIn()
    await expect.poll(() => owner.locator('#login-error').textContent()).toContain('one-time code')
    // The code that turned the factor on is spent; the authenticator's next one signs in.
    await signIn(totpCode(secret, new Date(NOW.getTime() + 30_000)))
    await owner.waitForURL('**/app/users')
    await context.close()
  })
})
