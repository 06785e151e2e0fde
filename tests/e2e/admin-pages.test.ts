// Every administration and account page, and the audit trail, checked with axe at a desktop
// width and at a phone's width (where wide tables scroll sideways and must be reachable by
// keyboard), with a screenshot of each.
import { describe, expect, test } from 'vitest'
import { expectNoAxeViolations, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

const PAGES = [
  { path: '/audit', heading: 'Audit trail', name: 'audit-page' },
  { path: '/admin', heading: 'Administration', name: 'admin' },
  { path: '/admin/users', heading: 'Accounts', name: 'admin-users-page' },
  { path: '/admin/users/new', heading: 'Create an account', name: 'admin-user-new' },
  { path: '/admin/catalogue', heading: 'Service catalogue', name: 'admin-catalogue-page' },
  { path: '/admin/catalogue/ccbt-adults', heading: 'cCBT Adults', name: 'admin-catalogue-service' },
  { path: '/admin/coverage', heading: 'Coverage changes', name: 'admin-coverage-page' },
  { path: '/admin/costs', heading: 'Costs', name: 'admin-costs-page' },
  { path: '/account', heading: 'Your account', name: 'account' },
  { path: '/account/tokens', heading: 'API tokens', name: 'account-tokens' },
]

describe.each([
  { width: 1280, label: 'desktop' },
  { width: 375, label: 'phone' },
])('administration and account pages at $width px have no axe violations', ({ width, label }) => {
  test.each(PAGES)('$path', async ({ path, heading, name }) => {
    const { page, errors } = await browser.open('/login', { width })
    await signIn(page, 'national.lead@demo.scot')
    const response = await page.goto(path)
    expect(response?.status()).toBe(200)
    await page.getByRole('heading', { level: 1, name: heading }).waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, `a11y-${name}-${label}`)
    expect(errors).toEqual([])
  })

  test('an account’s own page', async () => {
    const { page } = await browser.open('/login', { width })
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/admin/users')
    await page
      .getByRole('link', { name: /lead\.lothian@demo\.scot|Lothian/ })
      .first()
      .click()
    await page.waitForURL(/\/admin\/users\/\d+$/)
    await page.getByRole('heading', { level: 2, name: 'Role, board and access' }).waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, `a11y-admin-user-${label}`)
  })
})

describe('the audit trail', () => {
  test('its table of events can be reached and scrolled with the keyboard', async () => {
    const { page } = await browser.open('/login', { width: 375 })
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/audit')
    const table = page.getByRole('region', { name: 'Audit events, newest first' })
    await table.waitFor()
    // Wider than the screen, so it scrolls; tabbing reaches it, and the arrow keys scroll it.
    const { scrollWidth, clientWidth } = await table.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }))
    expect(scrollWidth).toBeGreaterThan(clientWidth)
    await table.focus()
    expect(await table.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => table.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0)
  })

  test('a board lead’s audit trail has no axe violations', async () => {
    const { page } = await browser.open('/login')
    await signIn(page, 'lead.lothian@demo.scot')
    await page.goto('/audit')
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor()
    await expectNoAxeViolations(page)
  })
})
