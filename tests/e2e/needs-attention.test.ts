// "Needs your attention" in the browser, on the demo data (some returns late, some never sent,
// the latest ones awaiting approval): the national lead's list on /returns and /, then the lead of
// a board with an overdue return sees that return on both pages. The test server has no mail
// server, so /returns says e-mail reminders are off.
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { demoBoardLeadEmail } from '#seed/demo.ts'
import { expectMainText, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

const region = (page: Page) => page.getByRole('region', { name: 'Needs your attention' })

describe('needs your attention', () => {
  test('the national lead: overdue returns and those awaiting approval, on /returns and /', async () => {
    const { page, errors } = await browser.open('/returns', { as: 'national.lead@demo.scot' })
    await expectMainText(page, 'Needs your attention')
    await expect(
      page.getByText(/E-mail reminders are off: the server has no mail server set \(SMTP_URL\)/).count(),
    ).resolves.toBe(1)
    const attention = region(page)
    const lists = await attention.getByRole('heading', { level: 3 }).allInnerTexts()
    expect(lists.some((h) => /^(Overdue returns|Awaiting your approval) \(\d+\)$/.test(h))).toBe(true)
    // Each entry opens its return.
    const first = attention.getByRole('listitem').first().getByRole('link')
    expect(await first.getAttribute('href')).toMatch(/^\/returns\/S\d{8}\/\d{4}-\d{2}$/)
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'needs-attention-national-returns')

    await page.goto('/')
    await expectMainText(page, 'Needs your attention')
    expect(await region(page).getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(lists)
    await expectNoAxeViolations(page)
    await region(page).screenshot({ path: 'test-results/screenshots/needs-attention-national-overview.png' })
    expect(errors).toEqual([])
  })

  test('a board lead with an overdue return sees it on /returns and /, and opens it', async () => {
    // Which board has an overdue return, as the national lead's list says.
    const { page: national } = await browser.open('/returns', { as: 'national.lead@demo.scot' })
    await expectMainText(national, 'Needs your attention')
    const overdue = region(national).getByRole('list', { name: /^Overdue returns/ })
    const entries = await overdue
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => ({ text: a.textContent ?? '', href: a.getAttribute('href') ?? '' })))
    // A board's (the national unit's returns have no board lead).
    const entry = entries.find((e) => !e.href.includes('/S92000003/'))
    expect(entry, 'the demo has a board with an overdue return').toBeDefined()
    const board = entry!.text.replace(/, \w+ \d{4}$/, '')
    const monthLabel = entry!.text.slice(board.length + 2)

    const { page, errors } = await browser.open('/returns', { as: demoBoardLeadEmail(board) })
    await expectMainText(page, 'Needs your attention')
    await expect(
      page.getByText('E-mail reminders are off at the moment: check your board’s deadlines here.').count(),
    ).resolves.toBe(1)
    const mine = region(page).getByRole('list', { name: /^Overdue \(\d+\)$/ })
    await expect(mine.getByRole('link', { name: monthLabel }).count()).resolves.toBe(1)
    expect(await mine.innerText()).toMatch(new RegExp(`${monthLabel}: not submitted, it was due by \\d+ \\w+ \\d{4}`))
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'needs-attention-board-returns')

    await page.goto('/')
    await expectMainText(page, 'Needs your attention')
    const onOverview = region(page).getByRole('link', { name: monthLabel })
    await onOverview.click()
    await page.waitForURL(`**${entry!.href}`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.goto('/')
    await expectMainText(page, 'Needs your attention')
    await expectNoAxeViolations(page)
    await region(page).screenshot({ path: 'test-results/screenshots/needs-attention-board-overview.png' })
    expect(errors).toEqual([])
  })

  test('an analyst sees no such section', async () => {
    const { page } = await browser.open('/', { as: 'analyst@demo.scot' })
    await page.getByRole('heading', { level: 1, name: 'National overview' }).waitFor()
    expect(await region(page).count()).toBe(0)
  })
})
