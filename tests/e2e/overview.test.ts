import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

/** The figure shown in the tile whose heading is `label`, as a number. */
async function tileValue(page: Page, label: string | RegExp) {
  const tile = page.locator('.app-kpi', {
    has: page.getByRole('heading', { name: label, exact: typeof label === 'string' }),
  })
  const text = await tile.locator('.app-kpi__value').innerText()
  return Number(text.replace(/[,%]/g, ''))
}

/** The rows of the table of the figure whose heading is `title`. */
async function tableRows(page: Page, title: string) {
  const section = page.locator('section', { has: page.getByRole('heading', { name: title, exact: true }) })
  return section.locator('table tbody tr').allInnerTexts()
}

describe('the national overview', () => {
  test('shows the headline figures at the programme’s scale, with charts, accessibly', async () => {
    // Signed in, then the overview loaded afresh, so only its own JavaScript is counted below.
    const { page, errors } = await browser.open('/', { as: 'national.lead@demo.scot' })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('National overview')

    const referrals = await tileValue(page, 'Referrals, last 12 months')
    expect(Math.abs(referrals - 70_000) / 70_000).toBeLessThan(0.05)
    expect(await tileValue(page, 'Referrals since the programme started')).toBeGreaterThan(300_000)
    expect(Math.abs((await tileValue(page, 'Video 1:1 sessions a month')) - 14_000) / 14_000).toBeLessThan(0.1)
    expect(await tileValue(page, 'Group sessions a month')).toBeGreaterThan(150)
    expect(Math.abs((await tileValue(page, 'Self-help visits a month')) - 38_000) / 38_000).toBeLessThan(0.1)
    expect(await tileValue(page, 'Evidence-based treatments')).toBe(37)
    expect(await page.getByText(/Available in 14 of 14 boards/).count()).toBe(1)
    // The standards beside their figures, and the change on a year earlier.
    const eighteen = page.locator('.app-kpi', {
      has: page.getByRole('heading', { name: 'Started treatment within 18 weeks' }),
    })
    expect(await eighteen.innerText()).toMatch(/(Meets|Below) standard\s+The standard is 90%/)
    expect(await eighteen.innerText()).toMatch(/(Up|Down) [\d.]+ percentage points on|No change on/)
    // How many boards reported the latest month, in words.
    expect(await page.locator('.app-latest').innerText()).toMatch(/\d+ of 14 boards reported for/)

    // Every trend chart draws in the browser, in the box kept for it.
    for (const id of [
      'overview-referrals',
      'overview-started',
      'overview-video-sessions',
      'overview-group-sessions',
      'overview-self-help-visits',
      'overview-outcomes',
      'overview-board-comparison',
    ]) {
      await page.locator(`[data-chart="${id}"] svg.recharts-surface`).first().waitFor()
    }
    expect(await page.getByText('Standard: 90% within 18 weeks').count()).toBeGreaterThan(0)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'overview')
    expect(errors).toEqual([])

    // Client JavaScript, as transferred (compressed), charts included: the budget is 220 KB.
    const javaScript = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.endsWith('.js'))
        .map((e) => (e as PerformanceResourceTiming).encodedBodySize),
    )
    const total = javaScript.reduce((a, b) => a + b, 0)
    console.log(`Client JavaScript for /: ${(total / 1024).toFixed(1)} KB transferred in ${javaScript.length} files`)
    expect(total).toBeLessThan(220 * 1024)
  })

  test('filters applied through the form change the figures and the URL, and links keep them', async () => {
    const { page, errors } = await browser.open('/', { as: ANALYST })
    await page.getByLabel('Show by', { exact: true }).selectOption('fq')
    await page.getByLabel('Service', { exact: true }).selectOption('ccbt-adults')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.getByRole('heading', { level: 1, name: 'National overview: cCBT Adults' }).waitFor()
    // The address is written the short way: only what differs from the defaults.
    expect(new URL(page.url()).search).toBe('?grain=fq&service=ccbt-adults')
    await page.getByText('Show the figures in a table').first().click()
    const rows = await tableRows(page, 'Referrals')
    expect(rows[0]).toMatch(/^Q\d \d{4}\/\d{2}/)
    // Quarters at the edges of the period may be part-quarters, and say so.
    // A board in the comparison keeps the filters.
    const comparison = page.locator('section', {
      has: page.getByRole('heading', { name: 'Referrals per 100,000 people, by board' }),
    })
    await comparison.getByText('Show the figures in a table').click()
    const link = comparison.getByRole('link', { name: 'Lothian' })
    expect(await link.getAttribute('href')).toBe('/boards/S08000024?grain=fq&service=ccbt-adults')
    // Video figures do not apply to cCBT: no video chart.
    expect(await page.getByRole('heading', { name: 'Video 1:1 therapy sessions' }).count()).toBe(0)
    await page.locator('[data-chart="overview-referrals"] svg.recharts-surface').first().waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'overview-filtered-by-quarter-and-service')
    expect(errors).toEqual([])
  })

  test('a quick period link and a bad URL', async () => {
    const { page } = await browser.open('/?from=nonsense&grain=weekly', { as: ANALYST })
    expect(await page.locator('.app-filters__notices').innerText()).toContain(
      '“nonsense” is not a month written as YYYY-MM',
    )
    await page.getByRole('link', { name: 'Since the programme started' }).click()
    await page.waitForURL(/preset=since-start/)
    await page.getByText(/Showing April 2021 to/).waitFor()
    expect(await page.locator('.app-filters__current').innerText()).toMatch(
      /Showing April 2021 to \w+ \d{4} \(since the programme started\), by month/,
    )
    expect(await page.getByRole('link', { name: 'Since the programme started' }).getAttribute('aria-current')).toBe(
      'true',
    )
  })

  test('works without JavaScript: the tables and the filters', async () => {
    const { page } = await browser.open('/', { javaScript: false })
    await signIn(page, 'analyst@demo.scot')
    expect(await tileValue(page, 'Evidence-based treatments')).toBe(37)
    // No empty box where a chart would be; the table opens without a script.
    expect(await page.locator('[data-chart="overview-referrals"]').isVisible()).toBe(false)
    await page.getByText('Show the figures in a table').first().click()
    const rows = await tableRows(page, 'Referrals')
    expect(rows).toHaveLength(12)
    expect(rows[0]).toMatch(/^\w{3} \d{4}\t[\d,]+\t[\d,]+\t[\d,]+\t[\d.]+%\t\d+ of 14$/)
    // The GET form submits itself.
    await page.getByLabel('Show by', { exact: true }).selectOption('fy')
    await page.getByLabel('From', { exact: true }).selectOption('2022-04')
    await page.getByLabel('To', { exact: true }).selectOption('2025-03')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/grain=fy/)
    expect(new URL(page.url()).search).toBe('?from=2022-04&to=2025-03&grain=fy')
    await page.getByText('Show the figures in a table').first().click()
    expect((await tableRows(page, 'Referrals')).map((r) => r.split('\t')[0])).toEqual(['2022/23', '2023/24', '2024/25'])
    await saveScreenshot(page, 'overview-without-javascript')
  })

  test('reads on a phone', async () => {
    const { page, errors } = await browser.open('/', { width: 390, as: ANALYST })
    await page.locator('[data-chart="overview-referrals"] svg.recharts-surface').first().waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'overview-phone')
    expect(errors).toEqual([])
  })
})
