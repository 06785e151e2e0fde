import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

describe('resources and value for money', () => {
  test('unit costs, their trend, each service and board, the workforce and the budget impact', async () => {
    const { page, errors } = await browser.open('/value', { as: ANALYST })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'What digital therapy costs, and what it achieves',
    )
    const trend = page.locator('section', { has: page.getByRole('heading', { name: /^What it cost, year by year/ }) })
    // Every financial year since the programme started, with pounds in it.
    expect(await trend.locator('tbody tr').first().innerText()).toMatch(/^2021\/22\t£[\d,]+\t£\d+\.\d\d/)
    // The current year is not over: its unit costs are not given, and the notes say why.
    expect(await trend.locator('tbody tr').last().innerText()).toMatch(/not available/)
    expect(await trend.locator('.app-figure__notes').innerText()).toMatch(/not reported/)
    await page.locator('[data-chart="value-trend"] svg.recharts-surface').first().waitFor()
    const budget = page.locator('section', { has: page.getByRole('heading', { name: /^Budget impact/ }) })
    expect(await budget.locator('tbody tr').count()).toBe(3)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'value')
    await trend.screenshot({ path: 'test-results/screenshots/value-trend.png' })
    await budget.screenshot({ path: 'test-results/screenshots/value-budget.png' })
    expect(errors).toEqual([])
  })

  test('a board lead sees other boards’ unit costs, not the amounts they spend', async () => {
    const { page, errors } = await browser.open('/value?board=S08000031', { as: 'lead.lothian@demo.scot' })
    const trend = page.locator('section', { has: page.getByRole('heading', { name: /^What it cost, year by year/ }) })
    expect(await trend.locator('tbody tr').first().innerText()).toMatch(/^2021\/22\tnot shown\t£\d+\.\d\d/)
    const boards = page.locator('section', { has: page.getByRole('heading', { name: /^Each board's unit costs/ }) })
    await boards.getByText('Show the figures in a table').click()
    const text = await boards.locator('tbody').innerText()
    expect(text).toMatch(/Lothian\t£[\d,]+\t/)
    expect(text).toMatch(/Greater Glasgow and Clyde\tnot shown\t£/)
    expect(errors).toEqual([])
  })

  test('works without JavaScript: the filters and growth rates through the address', async () => {
    const { page } = await browser.open('/value', { javaScript: false, as: ANALYST })
    await page.getByLabel('Board', { exact: true }).selectOption('S08000024')
    await page.getByLabel('Service', { exact: true }).selectOption('ccbt-adults')
    await page.getByLabel('Central (%)', { exact: true }).fill('7.5')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/growth=7\.5/)
    expect(new URL(page.url()).searchParams.get('board')).toBe('S08000024')
    expect(await page.getByRole('heading', { name: 'What it cost, year by year: cCBT Adults, Lothian' }).count()).toBe(
      1,
    )
    expect(await page.getByRole('columnheader', { name: /Central \(7\.5% a year\)/ }).count()).toBe(1)
    // Without JavaScript the tables hold every figure; the charts say where to find them.
    expect(await page.getByText('Your browser draws this chart with JavaScript').count()).toBeGreaterThan(0)
    await saveScreenshot(page, 'value-without-javascript')
  })

  test("each board's page shows its team's trend", async () => {
    const { page, errors } = await browser.open('/boards/S08000024', { as: ANALYST })
    const team = page.locator('section', {
      has: page.getByRole('heading', { name: 'Digital therapies teams: Lothian' }),
    })
    expect(await team.count()).toBe(1)
    expect(await team.locator('tbody tr').count()).toBe(12)
    expect(errors).toEqual([])
  })

  test('the national lead records a cost, and an upload with problems lists each by its line', async () => {
    const { page, errors } = await browser.open('/admin/costs?year=2024/25', { as: 'national.lead@demo.scot' })
    await page.getByLabel('Paid by').selectOption('S08000024')
    await page.getByLabel('Service').selectOption('ccbt-adults')
    await page.getByLabel('What it pays for').selectOption('other')
    await page.getByLabel('Amount (pounds)').fill('12,500.50')
    await page.getByRole('button', { name: 'Save cost' }).click()
    const summary = page.getByRole('alert')
    await summary.waitFor()
    expect(await summary.innerText()).toMatch(/has pence: enter whole pounds/)
    await page.getByLabel('Amount (pounds)').fill('12,500')
    // Leaving the field checks it again and takes the error summary away, then the form is sent.
    await page.getByLabel('Amount (pounds)').press('Tab')
    await page.getByRole('alert').waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Save cost' }).click()
    await page.waitForURL(/done=added/)
    // The address changes before the new page has rendered.
    await page.getByText('Cost recorded').waitFor()
    expect(await page.locator('table').innerText()).toMatch(/Lothian\tcCBT Adults\tOther\t£12,500/)

    await page.locator('#file').setInputFiles({
      name: 'costs.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'financial_year,board_code,service,kind,amount,comment\n2024/25,S08000024,ccbt-adults,staff,-5,\n',
      ),
    })
    await page.getByRole('button', { name: 'Upload costs' }).click()
    await page.getByText('Line 2, amount').waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'admin-costs-upload-problems')
    expect(errors).toEqual([])
  })
})
