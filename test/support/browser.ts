import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium, never a downloaded browser (there is no network for one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}
