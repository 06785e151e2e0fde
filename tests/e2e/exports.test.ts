import { describe, expect, test } from 'vitest'
import { expectNoAxeViolations, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

describe('the export builder', () => {
  test('an analyst builds an export through the form and downloads it', async () => {
    const { page, errors } = await browser.open('/')
    await signIn(page, 'analyst@demo.scot')
    await page.getByRole('link', { name: 'Exports' }).click()
    await page.waitForURL('**/exports')
    await expectNoAxeViolations(page)
    await page.getByLabel('From', { exact: true }).fill('2025-04')
    await page.getByLabel('To', { exact: true }).fill('2026-03')
    await page.getByText('Services: all').click()
    await page.getByLabel('cCBT Adults', { exact: true }).check({ force: true })
    await page.getByLabel('A financial quarter').check({ force: true })
    await page.getByLabel('CSV (opens in Excel)').check({ force: true })
    await page.getByRole('button', { name: 'Build the export' }).click()
    await page.waitForURL(/grain=fq/)
    // The address changes before the page shows the new export: wait for its address.
    const expected = '/api/v1/activity?from=2025-04&to=2026-03&service=ccbt-adults&grain=fq&format=csv&sdc=on'
    await page.locator(`#export-url[value="${expected}"]`).waitFor()
    const address = await page.getByLabel('Shareable address').inputValue()
    expect(address).toBe(expected)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'exports')

    const response = await page.request.get(address)
    expect(response.status()).toBe(200)
    expect(response.headers()['content-disposition']).toMatch(/^attachment; filename=/)
    const body = await response.text()
    expect(body.charCodeAt(0)).toBe(0xfeff)
    expect(body).toContain('period,financial_year,board_code,board_name,service,measure,value,qualifier')
    expect(body).toContain('Q4 2025/26')
    expect(errors).toEqual([])
  })

  test('the publication preset gives financial quarters with disclosure control on', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/exports')
    await page.getByRole('link', { name: 'Publication' }).click()
    await page.waitForURL(/preset=publication/)
    await page.locator('#export-url[value*="grain=fq"]').waitFor()
    const address = await page.getByLabel('Shareable address').inputValue()
    expect(address).toMatch(/grain=fq/)
    expect(address).toMatch(/format=xlsx/)
    expect(address).toMatch(/sdc=on/)
  })

  test('a board lead exports only their board, and works without JavaScript', async () => {
    const { page } = await browser.open('/login', { javaScript: false })
    await signIn(page, 'lead.shetland@demo.scot')
    await page.goto('/exports?preset=internal-monthly')
    expect(await page.locator('main').innerText()).toContain('Board: Shetland')
    const address = await page.getByLabel('Shareable address').inputValue()
    expect(address).toContain('board=S08000026')
    const response = await page.request.get(address)
    expect(response.status()).toBe(200)
    const rows = (await response.text()).split('\r\n').slice(1).filter(Boolean)
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.includes(',S08000026,'))).toBe(true)
  })
})
