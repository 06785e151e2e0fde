import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { expectMainText, expectNoAxeViolations, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

const navLinks = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()

describe('signing in as each role', () => {
  test('the sign-in page is accessible, and a wrong password gets a clear error', async () => {
    const { page } = await browser.open('/admin/users')
    expect(new URL(page.url()).pathname).toBe('/login')
    await expectNoAxeViolations(page)
    await page.getByLabel('Email address').fill('national.lead@demo.scot')
    await page.getByLabel('Password').fill('not the password at all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').innerText()).resolves.toContain('The email address or password is not right')
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'login-error')
    // Signing in brings the person back to the page they asked for.
    await signIn(page, 'national.lead@demo.scot')
    expect(new URL(page.url()).pathname).toBe('/admin/users')
  })

  test('the national lead sees everything, including administration', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    expect(await page.locator('.app-signed-in').innerText()).toContain('National programme lead')
    expect(await navLinks(page)).toEqual(
      expect.arrayContaining(['Overview', 'Returns', 'Exports', 'Audit', 'Administration']),
    )
  })

  test('a board lead sees their board and their board’s audit trail, and no administration', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'lead.dumfries-galloway@demo.scot')
    expect(await page.locator('.app-signed-in').innerText()).toContain(
      'Board digital therapy lead, Dumfries and Galloway',
    )
    const links = await navLinks(page)
    expect(links).toContain('Audit')
    expect(links).not.toContain('Administration')
    const response = await page.goto('/admin/users')
    expect(response?.status()).toBe(403)
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You do not have access to this page')
    await expectNoAxeViolations(page)
    await page.goto('/audit')
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Audit trail')
    await expectMainText(page, 'for Dumfries and Galloway')
  })

  test('an analyst sees the dashboards but neither audit nor administration', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'analyst@demo.scot')
    const links = await navLinks(page)
    expect(links).toContain('Overview')
    expect(links).not.toContain('Audit')
    expect((await page.goto('/audit'))?.status()).toBe(403)
    expect((await page.goto('/admin/coverage'))?.status()).toBe(403)
  })

  test('signing out ends the session', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'analyst@demo.scot')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/login')
    await page.goto('/')
    expect(new URL(page.url()).pathname).toBe('/login')
  })
})

describe('administration through its forms', () => {
  test('create an account (fixing an error first), change it, reset its password', async () => {
    const { page, errors } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.getByRole('link', { name: 'Administration' }).click()
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor()
    await expectNoAxeViolations(page)
    await page.getByRole('link', { name: 'Accounts' }).click()
    await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'admin-users')

    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor()
    await page.getByLabel('Email address').fill('new.lead@example.scot')
    await page.getByLabel('Full name').fill('Ailsa Morrison')
    await page.getByLabel('Role').selectOption('board_lead')
    await page.getByLabel('Board').selectOption({ label: 'Highland' })
    await page.getByLabel('Temporary password').fill('P@55w0rd2026')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page.getByRole('alert').innerText()).resolves.toContain(
      'Password is too easy to guess. This is similar to a commonly used password.',
    )
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'admin-user-new-error')
    await page.getByLabel('Temporary password').fill('heather moor kettle lamp')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL('**/admin/users?done=created')
    await expectMainText(page, 'Ailsa Morrison')

    await page.getByRole('link', { name: 'Ailsa Morrison' }).click()
    await page.getByRole('heading', { level: 1, name: 'Ailsa Morrison' }).waitFor()
    await page.getByLabel('Role').selectOption('analyst')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.waitForURL('**/admin/users?done=changed')
    await page.locator('tr', { hasText: 'new.lead@example.scot' }).filter({ hasText: 'Policy team analyst' }).waitFor()

    await page.getByRole('link', { name: 'Ailsa Morrison' }).click()
    await page.getByRole('heading', { level: 1, name: 'Ailsa Morrison' }).waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'admin-user-edit')
    await page.getByLabel('New temporary password').fill('another quite long phrase')
    await page.getByRole('button', { name: 'Reset password' }).click()
    await page.waitForURL('**/admin/users?done=password-reset')
    expect(errors).toEqual([])
  })

  test('record a coverage change and find it in the audit trail', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/admin/coverage')
    await expectNoAxeViolations(page)
    await page.getByLabel('Board').selectOption({ label: 'Orkney' })
    await page.getByLabel('Service').selectOption({ label: 'National PROMs pathway (remote monitoring)' })
    await page.getByLabel('New status').selectOption('pilot')
    await page.getByLabel('From month').fill('2027-01')
    await page.getByLabel('Note (optional)').fill('Pilot with two practices')
    await page.getByRole('button', { name: 'Record change' }).click()
    await page.waitForURL('**/admin/coverage?done=change')
    await expectMainText(page, 'Pilot with two practices')
    await saveScreenshot(page, 'admin-coverage')

    await page.goto('/audit')
    await page.getByLabel('What').selectOption({ label: 'Coverage changed' })
    await page.getByRole('button', { name: 'Show events' }).click()
    await page.waitForURL('**/audit?**')
    await page.locator('tbody', { hasText: 'Orkney' }).waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'audit')
  })

  test('add a treatment to the catalogue', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/admin/catalogue')
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'admin-catalogue')
    await page.getByRole('link', { name: 'cCBT Perinatal' }).click()
    await page.getByRole('heading', { level: 1, name: 'cCBT Perinatal' }).waitFor()
    await page.getByLabel('Treatment name').fill('Sleep in pregnancy')
    await page.getByRole('button', { name: 'Add treatment' }).click()
    await page.waitForURL('**/admin/catalogue/ccbt-perinatal?done=treatment-added')
    await expectMainText(page, 'Sleep in pregnancy')
    await expectNoAxeViolations(page)
    // Retire it again, so the catalogue keeps the demo's 37 treatments for the other journeys.
    await page.getByRole('button', { name: 'Retire Sleep in pregnancy' }).click()
    await page.waitForURL('**/admin/catalogue/ccbt-perinatal?done=treatment-retired')
    await page.locator('tr', { hasText: 'Sleep in pregnancy' }).filter({ hasText: 'Retired' }).waitFor()
  })

  test('load population estimates from a CSV file', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/admin/coverage')
    await page.getByLabel('Source').fill('NRS mid-2025 population estimates')
    await page.getByLabel('CSV file').setInputFiles({
      name: 'populations.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('code,year,population\nS08000025,2025,22600\nS08000026,2025,22800\n'),
    })
    await page.getByRole('button', { name: 'Load estimates' }).click()
    await page.waitForURL('**/admin/coverage?done=population**')
    await saveScreenshot(page, 'admin-population')
    await expectMainText(page, 'NRS mid-2025 population estimates')
  })

  test('without JavaScript, signing in and creating an account work', async () => {
    const { page } = await browser.open('/login', { javaScript: false })
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/admin/users/new')
    await page.getByLabel('Email address').fill('nojs@example.scot')
    await page.getByLabel('Full name').fill('No Script')
    await page.getByLabel('Role').selectOption('analyst')
    await page.getByLabel('Temporary password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    expect(await page.locator('.ds_error-summary').innerText()).toContain('at least 12 characters')
    await page.getByLabel('Temporary password').fill('a sufficiently long phrase')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL('**/admin/users?done=created')
  })
})

describe('your account and API tokens', () => {
  test('an analyst creates a token, sees it once, and revokes it', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'analyst@demo.scot')
    await page.locator('.app-signed-in__name').click()
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor()
    await expectNoAxeViolations(page)
    await page.getByRole('link', { name: 'Your API tokens' }).click()
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor()
    await page.getByLabel('Name').fill('Weekly briefing script')
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = await page.locator('code.app-token').innerText()
    expect(token).toMatch(/^dtd_/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'api-tokens')
    // Shown once: the list only keeps its first characters.
    await page.goto('/account/tokens')
    expect(await page.locator('main').innerText()).not.toContain(token)
    await page.getByRole('button', { name: 'Revoke Weekly briefing script' }).click()
    await page.waitForURL('**/account/tokens?done=revoked')
    await page.locator('tr', { hasText: 'Weekly briefing script' }).filter({ hasText: 'Revoked' }).waitFor()
  })

  test('changing your password checks the current one and the new one', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'lead.borders@demo.scot')
    await page.goto('/account')
    await page.getByLabel('Current password').fill('not my password at all')
    await page.getByLabel('New password', { exact: true }).fill('hill burn bothy kettle')
    await page.getByLabel('New password again').fill('hill burn bothy kettle')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.locator('.ds_error-summary', { hasText: 'Your current password is not right' }).waitFor()
    await expectNoAxeViolations(page)
  })
})
