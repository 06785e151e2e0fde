import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, inject } from 'vitest'

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots')

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** One browser per test file; `open` gives a new context (fresh cookies) and page. */
export function useBrowser() {
  let browser: Browser
  const contexts: BrowserContext[] = []
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: LAUNCH_ARGS,
    })
  })
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await browser?.close()
  })
  return {
    baseUrl: () => inject('baseUrl'),
    /** A new context (fresh cookies) and page at `pathname`; signed in first as `as`, if given. */
    async open(pathname: string, options: { javaScript?: boolean; width?: number; as?: string } = {}) {
      const context = await browser.newContext({
        baseURL: inject('baseUrl'),
        javaScriptEnabled: options.javaScript ?? true,
        viewport: { width: options.width ?? 1280, height: 900 },
        locale: 'en-GB',
        timezoneId: 'Europe/London',
      })
      contexts.push(context)
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      page.on('console', (message) => {
        // A refused form (400) or page (403) is expected in some journeys; anything else is not.
        if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) errors.push(message.text())
      })
      if (options.as) {
        await page.goto('/login')
        await signIn(page, options.as)
      }
      const response = await page.goto(pathname)
      return { page, response, errors }
    },
  }
}

/** Runs axe with the WCAG 2.2 AA rules and fails on any violation, listing each. */
export async function expectNoAxeViolations(page: Page) {
  // Colours are checked at rest: no hover, no focus ring, no transition half-way through.
  await page.mouse.move(0, 0)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.())
  await page.waitForFunction(() => document.getAnimations().length === 0)
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze()
  const summary = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''} ${n.html}`).join(', ')}`,
  )
  expect(summary).toEqual([])
}

export async function saveScreenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

export const DEMO_PASSWORD = 'scotland-demo-2026'
/** Dashboards are open to every role: the journeys that only read them sign in as the analyst. */
export const ANALYST = 'analyst@demo.scot'

/** Signs in through the sign-in form, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  if (!page.url().includes('/login')) await page.goto('/login')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  // The address changes before the new page has rendered: wait for the signed-in header.
  await page.locator('.app-signed-in').waitFor()
}

/** Waits (up to 10 s) until the page's main content shows `text`: pages render after navigation. */
export async function expectMainText(page: Page, text: string | RegExp) {
  await page.locator('main', { hasText: text }).waitFor({ timeout: 10_000 })
}

/**
 * The latest month whose returns have fallen due (YYYY-MM), as the overview on the page names it
 * ("… reported for October 2026").
 */
export async function headlineMonth(page: Page) {
  const text = await page.locator('.ds_inset-text').first().innerText()
  const [, name, year] = /reported for (\w+) (\d{4})/.exec(text)!
  const month = new Date(`1 ${name} ${year} 12:00 UTC`).getUTCMonth() + 1
  return `${year}-${String(month).padStart(2, '0')}`
}
