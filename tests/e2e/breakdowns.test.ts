// A board lead enters a breakdown by deprivation on the monthly return: a breakdown that does not
// add up is refused with the sum and the total, then corrected and saved; without JavaScript the
// section opens and its fields are there.
import { describe, expect, test } from 'vitest'
import { latestDueMonth } from '#app/utils/dates.ts'
import { expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()
const PATH = `/returns/S08000029/${latestDueMonth(new Date(), 15)}`
const SECTION = 'cCBT Adults by deprivation, age and sex'

describe('breakdowns on the return form', () => {
  test('a breakdown that does not add up is refused, naming the sum and the total; corrected, it is saved', async () => {
    // The national lead reopens Fife's month first if it is already approved.
    const { page: national } = await browser.open(PATH, { as: 'national.lead@demo.scot' })
    if (await national.getByRole('button', { name: 'Reopen month' }).count()) {
      await national.getByLabel('Reason for reopening').fill('Browser test: breakdowns to add')
      await national.getByRole('button', { name: 'Reopen month' }).click()
      await national.waitForURL(`**${PATH}?done=reopened`)
    }

    const { page, errors } = await browser.open(PATH, { as: 'lead.fife@demo.scot' })
    const total = Number(await page.getByLabel('cCBT Adults: Referrals (people)', { exact: true }).inputValue())
    expect(total).toBeGreaterThan(20)
    await page.getByText(SECTION).click()
    const field = (category: string) => page.locator(`#breakdown-ccbt-adults-referrals-simd-${category}`)
    const categories = ['1', '2', '3', '4', '5', 'unknown']
    const split = [total - 19, 5, 5, 4, 3, 2]
    // One more than the total, in quintile 1.
    for (const [i, category] of categories.entries()) await field(category).fill(String(split[i]! + (i === 0 ? 1 : 0)))
    const reason = page.getByLabel('Reason for changing approved figures')
    if (await reason.count()) await reason.fill('Breakdown by deprivation re-counted from the new system')
    await page.getByRole('button', { name: 'Save as draft' }).click()
    const summary = page.locator('.ds_error-summary')
    await summary.waitFor()
    expect(await summary.innerText()).toContain(
      `Referrals for cCBT Adults by SIMD quintile: the categories add up to ${(total + 1).toLocaleString('en-GB')} but the total is ${total.toLocaleString('en-GB')}`,
    )
    // The section with the problem is open, the message above its table.
    expect(await field('1').isVisible()).toBe(true)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'return-breakdown-error')

    await field('1').fill(String(split[0]))
    await page.getByRole('button', { name: 'Save as draft' }).click()
    await page.waitForURL(/done=saved/)
    await page.getByText(`${SECTION} (reported)`).click()
    expect(await field('1').inputValue()).toBe(String(split[0]))
    await saveScreenshot(page, 'return-breakdown-saved')
    expect(errors).toEqual([])
  })

  test('without JavaScript the breakdowns open and their fields are there', async () => {
    const { page } = await browser.open(PATH, { javaScript: false, as: 'lead.fife@demo.scot' })
    const field = page.locator('#breakdown-ccbt-adults-referrals-age-18-24')
    expect(await field.isVisible()).toBe(false)
    await page.getByText(SECTION).first().click()
    expect(await field.isVisible()).toBe(true)
    expect(await page.getByRole('table', { name: 'cCBT Adults by sex' }).locator('tbody tr').count()).toBe(3)
  })
})
