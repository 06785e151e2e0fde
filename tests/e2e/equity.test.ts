// Who the services reach (/equity) in the browser: charts and tables by deprivation, age and sex,
// the inequality indices in words, small numbers hidden on request, complete without JavaScript.
import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

describe('who the services reach', () => {
  test('Scotland by deprivation, age and sex, with the gap and the slope index', async () => {
    const { page, errors } = await browser.open('/equity', { as: ANALYST })
    await page.getByRole('heading', { name: /Referrals per 1,000 people by SIMD quintile, Scotland/ }).waitFor()
    await page.locator('[data-chart="equity-simd"] svg').first().waitFor()
    const simd = page.locator('section.app-figure', { has: page.locator('#figure-equity-simd') })
    expect(await simd.locator('tbody tr').count()).toBe(6)
    // The demo's referrals are higher among the most deprived: a positive slope index.
    const sii = page
      .locator('dt', { hasText: 'Slope index of inequality' })
      .first()
      .locator('xpath=following-sibling::dd')
    expect(await sii.innerText()).toMatch(/^\d[\d.,]* per 1,000 people \(95% confidence interval/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'equity-scotland')
    expect(errors).toEqual([])
  })

  test('a small board with small numbers hidden: no count from 1 to 4 shows', async () => {
    const { page, errors } = await browser.open('/equity?board=S08000025&sdc=on&year=2023/24', { as: ANALYST })
    await page.getByRole('heading', { name: /Referrals per 1,000 people by SIMD quintile, Orkney, 2023\/24/ }).waitFor()
    const counts = await page.locator('section.app-figure tbody td').allInnerTexts()
    expect(counts.some((text) => text.trim() === 'c')).toBe(true)
    for (const text of counts) expect(text.trim()).not.toMatch(/^[1-4]$/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'equity-orkney-hidden')
    expect(errors).toEqual([])
  })

  test('without JavaScript the filters work and every table is there', async () => {
    const { page } = await browser.open('/equity', { javaScript: false, as: ANALYST })
    await page.getByLabel('Board', { exact: true }).selectOption('S08000024')
    await page.getByLabel('Measure', { exact: true }).selectOption('started')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/board=S08000024/)
    await page.getByRole('heading', { name: /Started treatment per 1,000 people by age band, Lothian/ }).waitFor()
    expect(await page.locator('section.app-figure table').count()).toBe(4)
    expect(await page.locator('#figure-equity-sex').count()).toBe(1)
    await saveScreenshot(page, 'equity-without-javascript')
  })
})
