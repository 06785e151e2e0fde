import { describe, expect, test } from 'vitest'
import { expectMainText, expectNoAxeViolations, headlineMonth, saveScreenshot, signIn, useBrowser } from './browser.ts'

const browser = useBrowser()

// Boards other journeys leave alone, with their demo leads; the first whose return of the month
// exists is used (a demo return is missing now and then).
const BOARDS = [
  { code: 'S08000022', lead: 'lead.highland@demo.scot' },
  { code: 'S08000030', lead: 'lead.tayside@demo.scot' },
  { code: 'S08000020', lead: 'lead.grampian@demo.scot' },
]
const FIGURE = 'cCBT Adults: Waiting at month end'

describe('data queries', () => {
  test('the national lead raises a query on a figure; the board lead answers and corrects it without JavaScript; the national lead closes it; approving with an open query asks first', async () => {
    const { page: national, errors } = await browser.open('/queries', { as: 'national.lead@demo.scot' })

    // The demo's two queries: one waiting for the board, one answered.
    await expectMainText(national, 'Data queries')
    const statuses = await national.locator('main table tbody .ds_tag').allInnerTexts()
    expect(statuses.sort()).toEqual(['Answered', 'Open'])
    await expectNoAxeViolations(national)
    await saveScreenshot(national, 'queries')

    await national.goto('/')
    const month = await headlineMonth(national)
    let board = BOARDS[0]!
    for (const candidate of BOARDS) {
      await national.goto(`/returns/${candidate.code}/${month}`)
      if (await national.getByRole('button', { name: 'Raise query' }).count()) {
        board = candidate
        break
      }
    }
    const path = `/returns/${board.code}/${month}`
    // An approved month is reopened first, so the board can correct it.
    if (await national.getByRole('button', { name: 'Reopen month' }).count()) {
      await national.getByLabel('Reason for reopening').fill('Browser test: a figure to check with the board')
      await national.getByRole('button', { name: 'Reopen month' }).click()
      await national.waitForURL(`**${path}?done=reopened`)
    }

    // A question left empty is named, at the top and beside the field.
    await national.getByLabel('What is the query about?').selectOption({ label: FIGURE })
    await national.getByRole('button', { name: 'Raise query' }).click()
    await expect(national.locator('.ds_error-summary').innerText()).resolves.toContain('Enter the question')
    await national
      .getByLabel('Question', { exact: true })
      .fill('The waiting list is shorter than last month: are all referrals counted?')
    await national.getByRole('button', { name: 'Raise query' }).click()
    await national.waitForURL(/done=query-raised/)
    await expectMainText(national, 'Query raised')
    // The figure's cell is marked, and the mark leads to the conversation.
    const marker = national.getByRole('link', { name: `Query open about ${FIGURE}` })
    expect(await marker.count()).toBe(1)
    const queryId = Number(/#query-(\d+)/.exec((await marker.getAttribute('href'))!)![1])
    const query = national.locator(`#query-${queryId}`)
    expect(await query.innerText()).toContain('are all referrals counted?')
    await expectNoAxeViolations(national)
    await saveScreenshot(national, 'return-query-raised')

    // The board lead, without JavaScript, finds it on /queries and answers with a correction.
    const { page: lead } = await browser.open('/login', { javaScript: false })
    await signIn(lead, board.lead)
    await lead.goto('/queries')
    await lead
      .getByRole('link', { name: new RegExp(`^${FIGURE}`) })
      .first()
      .click()
    const answerForm = lead.locator(`#query-${queryId}`)
    const current = answerForm.locator('.ds_hint-text', { hasText: /^Now / })
    const before = Number(/^Now ([\d,]+)/.exec(await current.innerText())![1]!.replace(/,/g, ''))
    await answerForm.getByLabel('Your answer').fill('Three referrals were missed: corrected.')
    await answerForm.getByLabel(/Corrected figure/).fill('three more')
    await answerForm.getByRole('button', { name: /Send answer/ }).click()
    await expect(lead.locator('.ds_error-summary').innerText()).resolves.toContain('“three more” is not a number')
    await lead
      .locator(`#query-${queryId}`)
      .getByLabel(/Corrected figure/)
      .fill(String(before + 3))
    await lead
      .locator(`#query-${queryId}`)
      .getByRole('button', { name: /Send answer/ })
      .click()
    await lead.waitForURL(/done=query-corrected/)
    await expectMainText(lead, 'Answer sent and the figure corrected')
    expect(await lead.locator(`#query-${queryId}`).innerText()).toContain(
      `Corrected the figure to ${(before + 3).toLocaleString('en-GB')}`,
    )
    await saveScreenshot(lead, 'return-query-answered')
    // A reopened month goes back to the national lead once submitted again.
    const submit = lead.getByRole('button', { name: 'Submit return' })
    if (await submit.count()) {
      // Unusual values need a comment before submitting; the refused form names any it missed.
      for (let attempt = 0; attempt < 3 && !lead.url().includes('done=submitted'); attempt++) {
        for (const box of await lead.locator('textarea.app-return-comment').all())
          if ((await box.inputValue()) === '') await box.fill('Checked with the service: correct')
        // Comments on a month approved before are changes too, and need their reason.
        const reason = lead.getByLabel('Reason for changing approved figures')
        if (await reason.count()) await reason.fill('Comments on unusual figures, after the data query')
        await lead.getByRole('button', { name: 'Submit return' }).click()
        await lead.waitForLoadState('load')
      }
      if (!lead.url().includes('done=submitted'))
        throw new Error(`Not submitted: ${await lead.locator('.ds_error-summary').innerText()}`)
    }

    // The national lead sees the answer, and closes the query.
    await national.goto('/queries?status=answered')
    await national
      .getByRole('link', { name: new RegExp(`^${FIGURE}`) })
      .first()
      .click()
    const answered = national.locator(`#query-${queryId}`)
    expect(await answered.innerText()).toContain('Three referrals were missed: corrected.')
    await answered.getByLabel('Note for closing the query').fill('Thank you: the corrected figure is in.')
    await answered.getByRole('button', { name: /Close query/ }).click()
    await national.waitForURL(/done=query-closed/)
    await national.locator(`#query-${queryId} h3`, { hasText: 'Closed' }).waitFor({ timeout: 10_000 })

    // A second query, on the whole return, stays open: approving asks for confirmation first.
    await national.getByLabel('What is the query about?').selectOption({ label: 'The whole return' })
    await national.getByLabel('Question', { exact: true }).fill('Please confirm the video figures with the supplier.')
    await national.getByRole('button', { name: 'Raise query' }).click()
    await national.waitForURL(/done=query-raised/)
    await national.getByRole('button', { name: 'Approve and lock' }).click()
    // The answer is the confirmation, named at the foot and, for a page that comes back
    // scrolled to the top, at the top too.
    await national.getByRole('button', { name: 'Approve with open queries' }).waitFor({ timeout: 10_000 })
    await expectMainText(national, '1 query about this return is not closed. Read the queries')
    expect(await national.getByRole('link', { name: 'Confirm or go back to the queries' }).count()).toBe(1)
    expect(await national.getByRole('heading', { name: 'Approve this month' }).count()).toBe(1)
    await expectNoAxeViolations(national)
    await saveScreenshot(national, 'return-approve-with-open-query')
    await national.getByRole('button', { name: 'Approve with open queries' }).click()
    await national.waitForURL(/done=approved/)
    await expectMainText(national, 'Month approved and locked')
    expect(errors).toEqual([])
  }, 180_000)

  test('an analyst has no queries page and no link to it', async () => {
    const { page, response } = await browser.open('/queries', { as: 'analyst@demo.scot' })
    expect(response?.status()).toBe(403)
    expect(await page.getByRole('link', { name: 'Queries', exact: true }).count()).toBe(0)
  })
})
