import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { expectMainText, expectNoAxeViolations, headlineMonth, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

async function referralsTile(page: Page) {
  const tile = page.locator('.app-kpi', {
    has: page.getByRole('heading', { name: 'Referrals, last 12 months', exact: true }),
  })
  return Number((await tile.locator('.app-kpi__value').innerText()).replace(/,/g, ''))
}

/** Fills every empty comment box the form shows, for values flagged as unusual. */
async function explainUnusualValues(page: Page) {
  for (const box of await page.locator('textarea.app-return-comment').all()) {
    if ((await box.inputValue()) === '') await box.fill('Checked with the service: correct')
  }
}

describe('a board lead’s month', () => {
  test('enter figures with an error, read the summary, correct, submit; the national lead approves; the overview changes at once', async () => {
    const { page: lead, errors } = await browser.open('/')
    await signIn(lead, 'national.lead@demo.scot')
    const month = await headlineMonth(lead)
    const before = await referralsTile(lead)
    const path = `/returns/S08000024/${month}`

    // The national lead reopens the month first if it is already approved.
    await lead.goto(path)
    if (await lead.getByRole('button', { name: 'Reopen month' }).count()) {
      await lead.getByLabel('Reason for reopening').fill('Browser test: board to correct referrals')
      await lead.getByRole('button', { name: 'Reopen month' }).click()
      await lead.waitForURL(`**${path}?done=reopened`)
    }

    const { page } = await browser.open('/')
    await signIn(page, 'lead.lothian@demo.scot')
    await page.goto(path)
    const referrals = page.getByLabel('cCBT Adults: Referrals (people)', { exact: true })
    const original = Number(await referrals.inputValue())
    const selfReferrals = Number(
      await page.getByLabel('cCBT Adults: Self-referrals (people)', { exact: true }).inputValue(),
    )

    // An error: fewer referrals than self-referrals.
    await referrals.fill(String(selfReferrals - 1))
    if (await page.getByLabel('Reason for changing approved figures').count()) {
      await page
        .getByLabel('Reason for changing approved figures')
        .fill('Five referrals were recorded under the wrong month')
    }
    await page.getByRole('button', { name: /Submit return|Save and keep submitted/ }).click()
    const summary = page.locator('.ds_error-summary')
    await summary.waitFor()
    expect(await summary.innerText()).toContain('cannot be more than referrals')
    // The summary links to the field, and the message sits beside it.
    const link = summary.getByRole('link', { name: /Self-referrals/ })
    expect(await link.getAttribute('href')).toBe('#figure-ccbt-adults-self_referrals')
    await expect(page.locator('#figure-ccbt-adults-self_referrals-error').innerText()).resolves.toContain(
      'cannot be more than referrals',
    )
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'return-error')

    // Corrected: five more referrals than before, and five more not known in each breakdown
    // (the form opened the breakdowns, which no longer added up).
    await page.getByLabel('cCBT Adults: Referrals (people)', { exact: true }).fill(String(original + 5))
    for (const dimension of ['simd', 'age', 'sex']) {
      const unknown = page.locator(`#breakdown-ccbt-adults-referrals-${dimension}-unknown`)
      if ((await unknown.inputValue()) !== '') await unknown.fill(String(Number(await unknown.inputValue()) + 5))
    }
    await explainUnusualValues(page)
    await page.getByRole('button', { name: /Submit return|Save and keep submitted/ }).click()
    if (
      !(await page.waitForURL(/done=submitted/, { timeout: 5_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await explainUnusualValues(page)
      await page.getByRole('button', { name: /Submit return|Save and keep submitted/ }).click()
      await page.waitForURL(/done=submitted/)
    }
    await expectMainText(page, 'Return submitted')
    await saveScreenshot(page, 'return-submitted')

    // The national lead approves, and the overview shows the new figure at once.
    await lead.goto(path)
    await lead.getByRole('button', { name: 'Approve and lock' }).click()
    await lead.waitForURL(`**${path}?done=approved`)
    await expectMainText(lead, 'Month approved and locked')
    await lead.goto('/')
    expect(await referralsTile(lead)).toBe(before + 5)
    expect(errors).toEqual([])
  })

  test('the form works without JavaScript', async () => {
    const { page } = await browser.open('/login', { javaScript: false })
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/returns')
    // The Scotland return (national self-help) is entered by the national lead.
    await page.getByRole('link', { name: 'Scotland', exact: true }).click()
    const visits = page.getByLabel('Online interactive self-help guides (national): Visits (visits)', { exact: true })
    if (await visits.count()) {
      await visits.fill('not a number')
      await page.getByRole('button', { name: 'Save as draft' }).click()
      expect(await page.locator('.ds_error-summary').innerText()).toContain('is not a number')
    }
  })
})

describe('uploads', () => {
  test('an upload with errors is listed by row and column; corrected, it is previewed and committed', async () => {
    const { page } = await browser.open('/')
    // Orkney's May 2021 was approved long ago (before breakdowns were reported): the national
    // lead may still correct it, with a reason.
    await signIn(page, 'national.lead@demo.scot')
    await page.goto('/returns/upload')
    await expectNoAxeViolations(page)
    const month = '2021-05'
    const file = (value: string) => ({
      name: 'orkney.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `month,board_code,service,measure,value,comment\r\n${month},S08000025,ccbt-adults,referrals,${value},\r\n${month},S08000025,ccbt-adults,self_referrals,1,\r\n`,
      ),
    })
    await page.getByLabel('CSV or XLSX file').setInputFiles(file('twelve'))
    await page.getByRole('button', { name: 'Check the file' }).click()
    await expectMainText(page, 'nothing was saved')
    expect(await page.locator('#problems tbody').innerText()).toMatch(/2\s+value\s+“twelve” is not a number/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'upload-errors')

    await page.getByLabel('CSV or XLSX file').setInputFiles(file('12'))
    await page.getByRole('button', { name: 'Check the file' }).click()
    await expectMainText(page, 'no problems')
    await saveScreenshot(page, 'upload-preview')
    await page.getByLabel('Reason for changing approved figures').fill('Referrals re-counted from the new system')
    await page.getByRole('button', { name: 'Commit the upload' }).click()
    await page.waitForURL(/done=committed/)
    await expectMainText(page, 'Upload committed')
    await page.goto(`/returns/S08000025/${month}/history`)
    await expectMainText(page, 'Referrals re-counted from the new system')
  })
})

describe('completeness', () => {
  test('every board by month, accessible', async () => {
    const { page } = await browser.open('/')
    await signIn(page, 'analyst@demo.scot')
    await page.goto('/completeness')
    await expectMainText(page, 'Completeness of returns')
    expect(await page.locator('.app-completeness tbody tr').count()).toBe(15)
    // Which boards report breakdowns, below the grid.
    expect(await page.locator('#breakdowns-heading + p + table tbody tr').count()).toBe(14)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'completeness')
  })
})
