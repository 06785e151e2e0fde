import { describe, expect, test } from 'vitest'
import { expectNoAxeViolations, saveScreenshot, useBrowser, ANALYST } from './browser.ts'

const browser = useBrowser()

describe('every board', () => {
  test('one sortable table, sorted by following a column heading', async () => {
    const { page, errors } = await browser.open('/boards', { as: ANALYST })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Every board')
    const table = page.locator('table', { has: page.getByRole('columnheader', { name: /Referrals per 100,000/ }) })
    expect(await table.locator('tbody tr').count()).toBe(15)
    expect(await table.locator('tbody tr').last().innerText()).toMatch(/^Scotland\t/)
    expect(await page.getByRole('columnheader', { name: /^Board/ }).getAttribute('aria-sort')).toBe('ascending')

    const referrals = page.getByRole('columnheader', { name: /^Referrals \(people\)/ })
    await referrals.getByRole('link').click()
    await page.waitForURL(/sort=referrals&dir=desc/)
    await page.locator('th[aria-sort="descending"]', { hasText: 'Referrals (people)' }).waitFor()
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/^Greater Glasgow and Clyde\t/)
    // The same heading again turns the order round.
    await referrals.getByRole('link').click()
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Referrals (people)' }).waitFor()
    expect(await table.locator('tbody tr').first().innerText()).toMatch(/^Orkney\t/)

    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'boards')
    expect(errors).toEqual([])
  })

  test('sorting and filters work without JavaScript', async () => {
    const { page } = await browser.open('/boards', { javaScript: false, as: ANALYST })
    await page
      .getByRole('columnheader', { name: /^Within 18 weeks/ })
      .getByRole('link')
      .click()
    await page.waitForURL(/sort=eighteen_weeks&dir=desc/)
    await page.getByLabel('Service', { exact: true }).selectOption('iecbt')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/service=iecbt/)
    // The form keeps the sort.
    expect(page.url()).toContain('sort=eighteen_weeks')
    expect(await page.locator('.ds_page-header').innerText()).toContain('for ieCBT')
    await saveScreenshot(page, 'boards-without-javascript')
  })
})

describe('one board', () => {
  test('beside the national figure: tiles, services, trends with Scotland’s line, returns', async () => {
    const { page, errors } = await browser.open('/boards', { as: ANALYST })
    await page.getByRole('link', { name: 'Lothian', exact: true }).click()
    await page.waitForURL(/\/boards\/S08000024$/)
    await page.getByRole('heading', { level: 1, name: 'Lothian' }).waitFor()
    const eighteen = page.locator('.app-kpi', {
      has: page.getByRole('heading', { name: 'Started treatment within 18 weeks' }),
    })
    expect(await eighteen.innerText()).toMatch(/Scotland: \d+\.\d%/)
    expect(await page.getByRole('heading', { name: 'Services in Lothian' }).count()).toBe(1)
    expect(await page.getByRole('link', { name: 'cCBT Adults' }).getAttribute('href')).toBe(
      '/services/ccbt-adults?board=S08000024',
    )
    await page.locator('[data-chart="board-started"] svg.recharts-surface').first().waitFor()
    expect(await page.locator('[data-chart="board-started"]').innerText()).toContain('Scotland: within 18 weeks')
    const returns = page.locator('section', { has: page.getByRole('heading', { name: 'Monthly returns' }) })
    expect(await returns.locator('tbody tr').count()).toBe(12)
    expect(await returns.locator('tbody').innerText()).toMatch(/Approved|Submitted|Draft|Not started/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'board-lothian')
    expect(errors).toEqual([])
  })

  test('another board or one service, through the form; a bad code is a clear 404', async () => {
    const { page } = await browser.open('/boards/S08000024?preset=last-financial-year', { as: ANALYST })
    await page.getByLabel('Board', { exact: true }).selectOption('S08000025')
    await page.getByLabel('Service', { exact: true }).selectOption('iecbt')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.getByRole('heading', { level: 1, name: 'Orkney: ieCBT (therapy by written webchat)' }).waitFor()
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/boards/S08000025?preset=last-financial-year&service=iecbt',
    )

    const missing = await browser.open('/boards/S08999999', { as: ANALYST })
    expect(missing.response?.status()).toBe(404)
    expect(await missing.page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found')
    expect(await missing.page.locator('main').innerText()).toContain('There is no board with the code S08999999.')
  })

  test('works without JavaScript', async () => {
    const { page } = await browser.open('/boards/S08000030', { javaScript: false, as: ANALYST })
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Tayside')
    await page.getByLabel('Show by', { exact: true }).selectOption('fq')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/\/boards\/S08000030\?grain=fq$/)
    await page.getByText('Show the figures in a table').first().click()
    const referrals = page.locator('section', { has: page.getByRole('heading', { name: 'Referrals', exact: true }) })
    expect(await referrals.locator('tbody tr').first().innerText()).toMatch(/^Q\d \d{4}\/\d{2}/)
    await saveScreenshot(page, 'board-tayside-without-javascript')
  })
})
