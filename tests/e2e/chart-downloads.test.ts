import fs from 'node:fs'
import path from 'node:path'
import type { Download, Locator, Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { ANALYST, expectNoAxeViolations, saveScreenshot, useBrowser } from './browser.ts'

const browser = useBrowser()

const DOWNLOAD_DIR = path.resolve('test-results/chart-downloads')
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const SOURCE = /^Source: Digital Therapies Programme Dashboard, extracted \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d$/

/** The figure (its section) whose heading is `title`. */
function figureSection(page: Page, title: string) {
  return page.locator('section.app-figure', { has: page.getByRole('heading', { name: title, exact: true }) })
}

/** The name the server gives the figure's CSV, without ".csv": the chart files share it. */
async function csvFileName(page: Page, section: Locator) {
  const href = await section.getByRole('link', { name: /^Download these figures \(CSV\)/ }).getAttribute('href')
  const response = await page.request.get(href!)
  const match = /filename="([^"]+)\.csv"/.exec(response.headers()['content-disposition'] ?? '')
  return match![1]!
}

/** Runs `action` and returns the download it starts, kept in test-results for a look. */
async function download(page: Page, action: () => Promise<void>) {
  const [started] = await Promise.all([page.waitForEvent('download'), action()])
  const file = path.join(DOWNLOAD_DIR, started.suggestedFilename())
  fs.mkdirSync(DOWNLOAD_DIR, { recursive: true })
  await started.saveAs(file)
  return { download: started as Download, bytes: fs.readFileSync(file) }
}

/** What the browser makes of an SVG file on its own. */
async function readSvg(page: Page, text: string) {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml')
    const root = doc.documentElement
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: root.localName,
      namespace: root.namespaceURI,
      width: Number(root.getAttribute('width')),
      height: Number(root.getAttribute('height')),
      viewBox: root.getAttribute('viewBox'),
      title: root.querySelector(':scope > title')?.textContent ?? null,
      background: root.querySelector(':scope > rect')?.getAttribute('fill') ?? null,
      texts: [...root.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      paths: root.querySelectorAll('path').length,
      rects: root.querySelectorAll('rect').length,
    }
  }, text)
}

/** Width and height of a PNG, from its header. */
function pngSize(bytes: Buffer) {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Share of a PNG's pixels that are white, and whether its corners are opaque white. */
async function pngPixels(page: Page, bytes: Buffer) {
  return page.evaluate(
    async (dataUrl) => {
      const image = new Image()
      image.src = dataUrl
      await image.decode()
      const canvas = document.createElement('canvas')
      canvas.width = image.naturalWidth
      canvas.height = image.naturalHeight
      const context = canvas.getContext('2d')!
      context.drawImage(image, 0, 0)
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
      let white = 0
      let blue = 0
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        if (r > 245 && g > 245 && b > 245) white++
        // The first series' blue (#0065bd), as bars are filled.
        if (Math.abs(r - 0x00) < 30 && Math.abs(g - 0x65) < 30 && Math.abs(b - 0xbd) < 30) blue++
      }
      const corner = [...context.getImageData(0, 0, 1, 1).data]
      return { white: white / (data.length / 4), blue: blue / (data.length / 4), corner }
    },
    `data:image/png;base64,${bytes.toString('base64')}`,
  )
}

describe('chart downloads', () => {
  test('a chart of the overview as PNG and SVG, with its title, legend and source, accessibly', async () => {
    const { page, errors } = await browser.open('/', { as: 'national.lead@demo.scot' })
    await page.locator('[data-chart="overview-referrals"] svg.recharts-surface').first().waitFor()
    const section = figureSection(page, 'Referrals')
    // The figure's title completes each button's name for screen readers, as on the CSV link.
    const png = section.getByRole('button', { name: /^Download the chart \(PNG\)\s*: Referrals$/ })
    const svg = section.getByRole('button', { name: /^Download the chart \(SVG\)\s*: Referrals$/ })
    await png.waitFor()
    // Every drawn chart on the page has both.
    expect(await page.getByRole('button', { name: /^Download the chart \(PNG\)/ }).count()).toBe(
      await page.locator('[data-chart] svg.recharts-surface').count(),
    )
    const fileName = await csvFileName(page, section)

    // By keyboard: the button takes focus in the tab order, and Enter saves the file.
    await png.focus()
    const pngFile = await download(page, () => page.keyboard.press('Enter'))
    expect(pngFile.download.suggestedFilename()).toBe(`${fileName}.png`)
    expect([...pngFile.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    expect(pngFile.bytes.length).toBeGreaterThan(10 * 1024)

    const svgFile = await download(page, () => svg.click())
    expect(svgFile.download.suggestedFilename()).toBe(`${fileName}.svg`)
    const text = svgFile.bytes.toString('utf8')
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true)
    // Nothing that only works inside the page: no class names, no references to its address.
    expect(text).not.toMatch(/class="|url\(["']?http/)
    const read = await readSvg(page, text)
    expect(read.error).toBeNull()
    expect(read).toMatchObject({
      root: 'svg',
      namespace: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${read.width} ${read.height}`,
      title: 'Referrals',
      background: '#ffffff',
    })
    expect(read.width).toBeGreaterThan(600)
    // Title and description above, the legend and axis labels of the chart, the source below.
    expect(read.texts[0]).toBe('Referrals')
    expect(read.texts.join(' ')).toContain('People referred to cCBT and ieCBT services')
    for (const label of ['Self-referrals', 'Referred by a professional', 'People referred', 'Month']) {
      expect(read.texts).toContain(label)
    }
    expect(read.texts.at(-1)).toMatch(SOURCE)
    expect(read.paths).toBeGreaterThan(5)
    expect(read.rects).toBeGreaterThan(12)

    // The PNG is the same picture at twice the size: white, not black or see-through, with the bars.
    expect(pngSize(pngFile.bytes)).toEqual({ width: 2 * read.width, height: 2 * read.height })
    const pixels = await pngPixels(page, pngFile.bytes)
    expect(pixels.corner).toEqual([255, 255, 255, 255])
    expect(pixels.white).toBeGreaterThan(0.5)
    expect(pixels.blue).toBeGreaterThan(0.01)

    await expectNoAxeViolations(page)
    await svg.focus()
    await section.screenshot({ path: path.join(DOWNLOAD_DIR, 'overview-referrals-section.png') })
    await saveScreenshot(page, 'overview-chart-downloads')
    expect(errors).toEqual([])
  })

  test('the tile map of the coverage page, drawn on the server, as SVG and PNG', async () => {
    const { page, errors } = await browser.open('/coverage', { as: ANALYST })
    const section = page.locator('section.app-figure', { has: page.locator('[data-chart="coverage-map"]') })
    const svg = section.getByRole('button', {
      name: /^Download the chart \(SVG\)\s*: Referrals per 100,000 people by board$/,
    })
    await svg.waitFor()
    const fileName = await csvFileName(page, section)
    const file = await download(page, () => svg.click())
    expect(file.download.suggestedFilename()).toBe(`${fileName}.svg`)
    const read = await readSvg(page, file.bytes.toString('utf8'))
    expect(read.error).toBeNull()
    expect(read.title).toBe('Referrals per 100,000 people by board')
    // Every board's tile with its name and value, the key under the map, the source.
    for (const board of ['Orkney', 'Shetland', 'Lothian', 'Borders']) expect(read.texts).toContain(board)
    expect(read.texts.filter((t) => /^[\d,]+\.\d$/.test(t)).length).toBe(14)
    expect(read.texts.filter((t) => /^[\d,]+\.\d to (under )?[\d,]+\.\d$/.test(t)).length).toBe(5)
    expect(read.texts.at(-1)).toMatch(SOURCE)
    expect(read.rects).toBeGreaterThanOrEqual(14 + 5)

    const png = await download(page, () => section.getByRole('button', { name: /^Download the chart \(PNG\)/ }).click())
    expect(png.download.suggestedFilename()).toBe(`${fileName}.png`)
    expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    expect(pngSize(png.bytes)).toEqual({ width: 2 * read.width, height: 2 * read.height })
    expect(errors).toEqual([])
  })

  test('without JavaScript, only the CSV download shows', async () => {
    const { page } = await browser.open('/', { javaScript: false, as: ANALYST })
    const section = figureSection(page, 'Referrals')
    expect(await section.getByRole('link', { name: /^Download these figures \(CSV\)/ }).count()).toBe(1)
    expect(await page.getByRole('button', { name: /^Download the chart/ }).count()).toBe(0)
  })
})
