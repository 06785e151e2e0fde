// Control charts and funnel plots in the browser: drawn, accessible, usable by keyboard and
// complete without JavaScript.
import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

describe('is this change real? control charts', () => {
  test('the overview as control charts, with the icons on the tiles and their key', async () => {
    const { page, errors } = await browser.open('/', { as: ANALYST })
    await page.getByRole('link', { name: /Show the trends as control charts/ }).click()
    await page.waitForURL(/view=spc/)
    await page.getByRole('heading', { name: 'Referrals: control chart' }).waitFor()
    // Each tile with a control chart shows the latest month's variation in words for screen readers.
    expect(await page.locator('.app-kpi svg[aria-label^="Variation:"]').count()).toBeGreaterThan(3)
    expect(await page.locator('.app-kpi svg[aria-label^="Assurance:"]').count()).toBeGreaterThan(0)
    await page.locator('[data-chart="overview-spc-referrals"] svg').first().waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'overview-control-charts')
    expect(errors).toEqual([])
  })

  test('events on a board’s control chart are reached by keyboard and described in text', async () => {
    const { page, errors } = await browser.open('/boards/S08000031?view=spc&preset=since-start', { as: ANALYST })
    const chart = page.locator('[data-chart="board-spc-referrals"]')
    await chart.locator('svg').first().waitFor()
    const marker = chart.locator('svg a').first()
    expect(await marker.count()).toBe(1)
    await marker.focus()
    expect(await page.evaluate(() => document.activeElement?.closest('a') !== null)).toBe(true)
    expect(await page.locator('.app-figure__notes').first().innerText()).toMatch(/Event, /)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'board-control-charts')
    expect(errors).toEqual([])
  })

  test('without JavaScript the control charts’ tables are all there', async () => {
    const { page } = await browser.open('/?view=spc', { javaScript: false, as: ANALYST })
    const table = page.locator('section', { has: page.getByRole('heading', { name: 'Referrals: control chart' }) })
    expect(await table.locator('tbody tr').count()).toBe(12)
    // The table is in a closed details element: its text is there, folded.
    expect(await table.textContent()).toMatch(/common cause|special cause/)
  })
})

describe('is this board really different? funnel plots', () => {
  test('18-week performance: the funnel, every board with its flag, and the board chosen', async () => {
    const { page, errors } = await browser.open('/variation?indicator=eighteen_weeks&board=S08000025', { as: ANALYST })
    await page.locator('[data-chart="variation-funnel"] svg').first().waitFor()
    const rows = page.locator('section.app-figure table tbody tr')
    expect(await rows.count()).toBe(14)
    expect(await rows.first().innerText()).toMatch(/above 99.8%|above 95%|within|below 95%|below 99.8%/)
    const heading = page.locator('section.app-figure table').getByRole('columnheader', { name: 'People who started' })
    expect(await heading.allInnerTexts()).toEqual([
      'People who started within 18 weeks',
      'People who started treatment',
    ])
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'variation-eighteen-weeks')
    expect(errors).toEqual([])
  })

  test('a board’s page says where it falls on each funnel and links there', async () => {
    const { page } = await browser.open('/boards/S08000024', { javaScript: false, as: ANALYST })
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: /against Scotland: funnel plots/ }),
    })
    expect(await section.locator('tbody tr').count()).toBe(5)
    await section.getByRole('link', { name: 'Recovery rate' }).click()
    await page.waitForURL(/\/variation\?.*indicator=recovery_rate/)
    expect(await page.locator('section.app-figure table tbody tr').count()).toBe(14)
    await saveScreenshot(page, 'variation-without-javascript')
  })
})
