import { describe, expect, test } from 'vitest'
import { expectNoAxeViolations, saveScreenshot, useBrowser, ANALYST } from './browser.ts'

const browser = useBrowser()

describe('coverage', () => {
  test('the tile map, population coverage and the availability matrix', async () => {
    const { page, errors } = await browser.open('/coverage', { as: ANALYST })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Where the services are available')
    const map = page.getByRole('img', { name: /Tile map of referrals per 100,000 people by board/ })
    expect(await map.count()).toBe(1)
    expect(await map.locator('g[data-code]').count()).toBe(14)
    expect(await map.locator('g[data-code="S08000025"]').textContent()).toMatch(/^Orkney[\d,]+\.\d$/)
    expect(await page.locator('.app-tile-map__legend li').count()).toBeGreaterThanOrEqual(5)
    // The same figures in a table beside it.
    const mapTable = page
      .locator('section', { has: page.getByRole('heading', { name: 'Referrals per 100,000 people by board' }) })
      .locator('table')
    expect(await mapTable.locator('tbody tr').count()).toBe(14)
    await page.locator('[data-chart="coverage-population"] svg.recharts-surface').first().waitFor()
    const matrix = page.locator('table.app-matrix')
    expect(await matrix.locator('tbody tr').count()).toBe(14)
    expect(await matrix.locator('tbody').innerText()).toMatch(/Live\s+since Apr 2021/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'coverage')
    expect(errors).toEqual([])
  })

  test('the indicator of the map, through the form', async () => {
    const { page, errors } = await browser.open('/coverage', { as: ANALYST })
    await page.getByLabel('Colour the map by', { exact: true }).selectOption('eighteen_weeks')
    await page.getByLabel('Board', { exact: true }).selectOption('S08000020')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    const map = page.getByRole('img', { name: /Tile map of started within 18 weeks by board/ })
    await map.waitFor()
    expect(new URL(page.url()).search).toBe('?board=S08000020&indicator=eighteen_weeks')
    expect(await map.locator('g[data-code="S08000020"]').textContent()).toMatch(/^Grampian\d+\.\d%$/)
    expect(await page.locator('.app-tile-map__legend').innerText()).toContain('Selected board')
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'coverage-eighteen-weeks')
    expect(errors).toEqual([])
  })

  test('works without JavaScript', async () => {
    const { page } = await browser.open('/coverage', { javaScript: false, as: ANALYST })
    await page.getByLabel('Colour the map by', { exact: true }).selectOption('timeliness')
    await page.getByLabel('From', { exact: true }).selectOption('2021-04')
    await page.getByLabel('To', { exact: true }).selectOption('2022-03')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/indicator=timeliness/)
    // Availability is shown for the period's last month: in March 2022 some services were still planned.
    expect(
      await page
        .locator('.app-figure__description', { hasText: 'The status of every service in every board in March 2022' })
        .count(),
    ).toBe(1)
    expect(await page.locator('table.app-matrix tbody').innerText()).toMatch(/Planned\s+Apr 2021 to Mar 2022/)
    expect(await page.getByRole('img', { name: /Tile map of timeliness by board/ }).count()).toBe(1)
    await saveScreenshot(page, 'coverage-without-javascript')
  })
})
