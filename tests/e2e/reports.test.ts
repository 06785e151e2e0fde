import fs from 'node:fs'
import path from 'node:path'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, SCREENSHOT_DIR, useBrowser } from './browser.ts'

const browser = useBrowser()

/** The text of each page of a PDF, its pieces joined by spaces. */
async function pdfPages(data: Buffer) {
  const document = await getDocument({ data: new Uint8Array(data), useSystemFonts: false }).promise
  const pages: string[] = []
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent()
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    )
  }
  return pages
}

describe('the monthly report', () => {
  test('reached from the overview, read on screen, and printed to A4 with no figure split across pages', async () => {
    const { page, errors } = await browser.open('/', { as: ANALYST })
    await page.getByRole('link', { name: /^Monthly report for / }).click()
    await page.waitForURL(/\/reports\/\d{4}-\d{2}$/)
    // The address changes before the new page has rendered.
    await page.getByRole('heading', { level: 1, name: /^Scotland: / }).waitFor()
    const title = await page.getByRole('heading', { level: 1 }).innerText()
    expect(title).toMatch(/^Scotland: [A-Z][a-z]+ \d{4}$/)
    const month = title.replace('Scotland: ', '')
    expect(await page.getByRole('heading', { name: `Headline figures for ${month}` }).count()).toBe(1)
    // Each sentence says which figure it states and what it compares it with.
    const summary = page.locator('section', { has: page.getByRole('heading', { name: 'Summary' }) })
    expect(await summary.locator('li').first().innerText()).toMatch(/boards had submitted their return/)
    expect(await summary.innerText()).toMatch(
      /Referrals: [\d,]+ people in .*\(Figure: Referrals, .*Compared with: the mean and process limits of/,
    )
    await page.locator('[data-chart="overview-spc-referrals"] svg').first().waitFor()
    await expectNoAxeViolations(page)
    await saveScreenshot(page, 'report')
    await summary.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-summary.png') })
    await page
      .locator('section', { has: page.getByRole('heading', { name: `Headline figures for ${month}` }) })
      .screenshot({ path: path.join(SCREENSHOT_DIR, 'report-headlines.png') })

    // The figures' last rows, to find in the PDF on the same page as their titles.
    const figures = await page.locator('section.app-figure').evaluateAll((sections) =>
      sections.map((s) => ({
        title: s.querySelector('h3')!.textContent!.trim(),
        months: [...s.querySelectorAll('tbody tr > :first-child')].map((c) => c.textContent!.trim()),
        last: s.querySelector('tbody tr:last-child > :nth-child(2)')!.textContent!.trim(),
      })),
    )
    expect(figures.length).toBe(3)
    await page.emulateMedia({ media: 'print' })
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-print.png'), fullPage: true })
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })
    fs.writeFileSync(path.join(SCREENSHOT_DIR, 'report.pdf'), pdf)
    const pages = await pdfPages(pdf)
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(pages.length).toBeLessThanOrEqual(10)
    const all = pages.join(' ')
    for (const heading of [
      title,
      'Summary',
      `Headline figures for ${month}`,
      'Boards that differ from Scotland',
      `Events in ${month}`,
      'Control charts',
      'How the sentences are written',
    ]) {
      expect(all, heading).toContain(heading)
    }
    // No navigation, filters or buttons on paper.
    expect(all).not.toMatch(/Skip to main content|Sign out|Download these figures/)
    // Every page is numbered; the first says when its figures are from and where to get them again.
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`))
    expect(pages[0]).toMatch(/Figures as at .* http:\/\/[^ ]+\/reports\/\d{4}-\d{2}\?asAt=/)
    // A figure's title, its chart and every row of its table are on one page.
    for (const figure of figures) {
      const where = pages.findIndex((text) => text.includes(figure.title))
      expect(where, figure.title).toBeGreaterThanOrEqual(0)
      expect(figure.months).toHaveLength(24)
      for (const month of figure.months) expect(pages[where], `${figure.title}: ${month}`).toContain(month)
      expect(pages[where], figure.title).toContain(figure.last)
      expect(pages[where], figure.title).toContain('Upper limit')
    }
    expect(errors).toEqual([])
  })

  test("a board's report, without JavaScript, linked from the board's page", async () => {
    const { page } = await browser.open('/boards/S08000024', { javaScript: false, as: 'lead.lothian@demo.scot' })
    await page.getByRole('link', { name: /^Monthly report for Lothian/ }).click()
    await page.waitForURL(/\/reports\/\d{4}-\d{2}\?board=S08000024$/)
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Lothian: /)
    expect(await page.getByRole('heading', { name: 'Lothian against Scotland' }).count()).toBe(1)
    // The charts' figures are in their tables.
    expect(await page.locator('section.app-figure table').count()).toBe(3)
    await saveScreenshot(page, 'report-board-without-javascript')
    // Another board's report is not this lead's to read.
    const other = await page.goto(page.url().replace('S08000024', 'S08000031'))
    expect(other?.status()).toBe(403)
  })
})
