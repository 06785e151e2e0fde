import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

describe('a dashboard page that may be published', () => {
  test('"Hide small numbers" shows an island board with its small counts as c, and links keep it', async () => {
    const { page, errors } = await browser.open('/boards/S08000025?grain=fq', { as: ANALYST })
    // The design system draws the box over the input: people click its label.
    await page.locator('label[for="sdc"]').click()
    expect(await page.getByLabel('Hide small numbers').isChecked()).toBe(true)
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/sdc=on/)
    await page.getByText('Small numbers are hidden.').waitFor()

    // Small counts are in the tables as c, explained under each figure that has one.
    const hidden = page.locator('main td', { hasText: /^c$/ })
    expect(await hidden.count()).toBeGreaterThan(0)
    expect(await page.getByText(/^c: suppressed to protect confidentiality/).count()).toBeGreaterThan(0)
    // Links and downloads keep the setting.
    expect(
      await page
        .getByRole('link', { name: /Download these figures \(CSV\)/ })
        .first()
        .getAttribute('href'),
    ).toMatch(/sdc=on/)
    await page.locator('[data-chart="board-referrals"] svg.recharts-surface').first().waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'board-orkney-small-numbers-hidden')

    // And back to every figure.
    await page.getByRole('link', { name: 'Show every figure' }).click()
    await page.waitForURL((url) => !url.search.includes('sdc'))
    await page.getByText('Small numbers are hidden.').waitFor({ state: 'detached' })
    expect(await page.locator('main td', { hasText: /^c$/ }).count()).toBe(0)
    expect(errors).toEqual([])
  })
})
