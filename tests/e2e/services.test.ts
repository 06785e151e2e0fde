import { describe, expect, test } from 'vitest'
import { expectNoAxeViolations, saveScreenshot, useBrowser, ANALYST } from './browser.ts'

const browser = useBrowser()

describe('every service', () => {
  test('lists each service with its count, where it is live and its coverage', async () => {
    const { page, errors } = await browser.open('/services', { as: ANALYST })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Every service')
    const rows = page.locator('table tbody tr')
    expect(await rows.count()).toBe(14)
    expect(await rows.first().innerText()).toMatch(
      /^cCBT Adults\tBy each board\tReferrals\t[\d,]+\tpeople\t14 of 14\t100\.0%$/,
    )
    expect(await page.locator('table tbody').innerText()).toContain('All (national)')
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'services')
    expect(errors).toEqual([])
  })

  test('in one board, chosen through the form', async () => {
    const { page, errors } = await browser.open('/services', { as: ANALYST })
    await page.getByLabel('Board', { exact: true }).selectOption('S08000028')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.getByRole('heading', { name: 'Services in Western Isles' }).waitFor()
    expect(new URL(page.url()).search).toBe('?board=S08000028')
    const headers = await page.locator('table thead th').allInnerTexts()
    expect(headers).toContain('Total in Western Isles')
    expect(headers).toContain('Status in Western Isles')
    expect(await page.locator('table tbody').innerText()).toMatch(/Live since \w{3} \d{4}/)
    await expectNoAxeViolations(page)
    expect(errors).toEqual([])
  })
})

describe('one service', () => {
  test('its national trend, small multiples on one scale, treatments and where it is live', async () => {
    const { page, errors } = await browser.open('/services', { as: ANALYST })
    await page.getByRole('link', { name: 'cCBT Adults' }).click()
    await page.waitForURL(/\/services\/ccbt-adults$/)
    await page.getByRole('heading', { level: 1, name: 'cCBT Adults' }).waitFor()
    await page.locator('[data-chart="service-trend"] svg.recharts-surface').first().waitFor()
    const multiples = page.locator('.app-small-multiples > li')
    expect(await multiples.count()).toBe(14)
    await multiples.first().locator('svg.recharts-surface').waitFor()
    // One scale for every board: the same top tick everywhere.
    const tops = await page
      .locator('.app-small-multiples .recharts-yAxis .recharts-cartesian-axis-tick:last-child')
      .allInnerTexts()
    expect(new Set(tops).size).toBe(1)
    expect(await page.getByRole('heading', { name: 'Treatments offered' }).count()).toBe(1)
    expect(
      await page
        .locator('section', { has: page.getByRole('heading', { name: 'Treatments offered' }) })
        .locator('li')
        .count(),
    ).toBeGreaterThan(3)
    expect(await page.getByRole('heading', { name: /Where it is available in/ }).count()).toBe(1)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'service-ccbt-adults')
    expect(errors).toEqual([])
  })

  test('a board and a measure chosen through the form; the board is marked in the multiples', async () => {
    const { page, errors } = await browser.open('/services/ccbt-adults', { as: ANALYST })
    await page.getByLabel('Board', { exact: true }).selectOption('S08000022')
    await page.getByLabel('Measure by board', { exact: true }).selectOption('started')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.getByRole('heading', { name: 'Started treatment by board' }).waitFor()
    expect(new URL(page.url()).search).toBe('?board=S08000022&measure=started')
    expect(await page.locator('.app-small-multiple--highlighted').innerText()).toMatch(/^Highland\s+Selected board\s/)
    // The service's own link to the board keeps the period and shows the board for this service.
    expect(await page.locator('.app-small-multiple--highlighted').getByRole('link').getAttribute('href')).toBe(
      '/boards/S08000022?service=ccbt-adults',
    )
    await expectNoAxeViolations(page)
    expect(errors).toEqual([])
  })

  test('a national service is drawn for Scotland alone', async () => {
    const { page } = await browser.open('/services/self-help-guides', { as: ANALYST })
    expect(await page.locator('.app-small-multiples > li').count()).toBe(1)
    expect(await page.locator('.app-service-summary').innerText()).toContain('Everywhere in Scotland')
  })

  test('works without JavaScript', async () => {
    const { page } = await browser.open('/services/video-group', { javaScript: false, as: ANALYST })
    await page.getByLabel('Show by', { exact: true }).selectOption('fy')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/grain=fy/)
    await page.getByText('Show the figures in a table').nth(1).click()
    const table = page
      .locator('section', { has: page.getByRole('heading', { name: 'Group sessions by board' }) })
      .locator('table')
    expect(await table.locator('thead th').allInnerTexts()).toContain('Total (sessions)')
    expect(await table.locator('tbody tr').count()).toBe(14)
    await saveScreenshot(page, 'service-video-group-without-javascript')
  })
})
