// The chart of a figure as a file: a standalone SVG, or a PNG drawn from it at twice the size.
// The file carries the figure's title, description, caveats and source around the chart, so it
// reads on its own when pasted into a briefing. Everything happens in the browser, from the
// chart on the page; the page loads this module on the first click only.
import type { Figure } from '#app/domain/figure.ts'
import { wrapText } from './chart-config.ts'

export type ChartFigure = Pick<Figure, 'title' | 'description' | 'notes' | 'fileName'>
export type ChartFormat = 'svg' | 'png'

const SVG_NS = 'http://www.w3.org/2000/svg'
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/'
export const SOURCE_NAME = 'Digital Therapies Programme Dashboard'
const PADDING = 24
const PNG_SCALE = 2
/** The browser reads a download's object URL after the click returns: keep it that long. */
const REVOKE_AFTER_MS = 60_000

/**
 * The computed styles that decide how a chart looks. The page's stylesheets do not travel with
 * the file, so each element gets them inline.
 */
export const INLINED_STYLES = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'font-family',
  'font-size',
  'font-weight',
  'opacity',
  'text-anchor',
  'dominant-baseline',
] as const

type StyleSource = Pick<CSSStyleDeclaration, 'getPropertyValue'>

/**
 * A `url(...)` reference made local to the file: browsers may give it with the page's address
 * in front of the `#id`, which would point back at the page.
 */
export function localReference(value: string) {
  return value.replace(/url\(\s*(["']?)[^#)"']*#([^)"']+)\1\s*\)/g, 'url(#$2)')
}

/**
 * The inline style that makes an element in the file look as it does on the page. Inherited
 * properties are written only where they differ from the parent's (so the file stays small),
 * unless the element has its own presentation attribute, which the inherited value must beat.
 */
export function inlineStyleText(
  own: StyleSource,
  parent: StyleSource | null,
  hasAttribute: (name: string) => boolean = () => false,
): string {
  const declarations: string[] = []
  for (const property of INLINED_STYLES) {
    const value = own.getPropertyValue(property).trim()
    if (!value) continue
    if (property === 'opacity') {
      if (value !== '1') declarations.push(`opacity:${value}`)
      continue
    }
    if (parent && parent.getPropertyValue(property).trim() === value && !hasAttribute(property)) continue
    declarations.push(`${property}:${localReference(value)}`)
  }
  return declarations.join(';')
}

/**
 * "Source: Digital Therapies Programme Dashboard, extracted 22 November 2026, 14:05", in Scottish
 * time (Intl rather than app/utils/dates.ts, which would bring luxon to the browser).
 */
export function sourceLine(extracted: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(extracted)
      .map((p) => [p.type, p.value]),
  )
  return `Source: ${SOURCE_NAME}, extracted ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`
}

interface Font {
  family: string
  size: number
  weight: string
  colour: string
}

function svgElement<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG_NS, name)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value))
  return element
}

/** A line of text whose middle is at `y`. */
function textLine(content: string, x: number, y: number, font: Font) {
  const text = svgElement('text', {
    x,
    y,
    style: `font-family:${font.family};font-size:${font.size}px;font-weight:${font.weight};fill:${font.colour};dominant-baseline:central`,
  })
  text.textContent = content
  return text
}

function measurer(font: Font) {
  const context = document.createElement('canvas').getContext('2d')
  if (!context) return (text: string) => text.length * font.size * 0.6
  context.font = `${font.weight} ${font.size}px ${font.family}`
  return (text: string) => context.measureText(text).width
}

/** Definitions: never drawn where they are, so their computed display says nothing. */
const DEFINITIONS = 'defs, pattern, clipPath, mask, marker, symbol, linearGradient, radialGradient'

/** A copy of an SVG of the page with its computed look inline, minus what only works on the page. */
function cloneWithStyles(source: SVGSVGElement): SVGSVGElement {
  const clone = source.cloneNode(true) as SVGSVGElement
  // The tooltip's cursor and highlighted point show only while the pointer is over the chart.
  const hidden = [...clone.querySelectorAll('.recharts-tooltip-cursor, .recharts-active-dot')]
  const sources = [source, ...source.querySelectorAll('*')]
  const clones = [clone, ...clone.querySelectorAll('*')]
  sources.forEach((element, i) => {
    const target = clones[i]!
    const own = getComputedStyle(element)
    if (own.display === 'none' && !element.closest(DEFINITIONS)) hidden.push(target)
    const parent = element === source || !element.parentElement ? null : getComputedStyle(element.parentElement)
    const style = inlineStyleText(own, parent, (name) => element.hasAttribute(name))
    if (style) target.setAttribute('style', style)
    else target.removeAttribute('style')
    for (const name of ['class', 'tabindex', 'role', 'focusable', 'aria-hidden', 'aria-labelledby']) {
      target.removeAttribute(name)
    }
  })
  for (const element of hidden) element.remove()
  return clone
}

/**
 * What the box shows, as SVG at the same places: the chart, and the legend around it (its
 * swatches and words, which are HTML on the page). Words only for screen readers stay out.
 */
function copyBox(box: Element) {
  const origin = box.getBoundingClientRect()
  const group = svgElement('g', {})
  let bottom = 0
  let top = Number.POSITIVE_INFINITY
  const place = (rect: DOMRect) => {
    top = Math.min(top, rect.top - origin.top)
    bottom = Math.max(bottom, rect.bottom - origin.top)
  }
  for (const svg of box.querySelectorAll('svg')) {
    if (svg.parentElement?.closest('svg') || svg.closest('.visually-hidden')) continue
    if (getComputedStyle(svg).visibility !== 'visible') continue
    const rect = svg.getBoundingClientRect()
    if (rect.width === 0 || rect.height === 0) continue
    const copy = cloneWithStyles(svg)
    copy.setAttribute('x', String(rect.left - origin.left))
    copy.setAttribute('y', String(rect.top - origin.top))
    copy.setAttribute('width', String(rect.width))
    copy.setAttribute('height', String(rect.height))
    copy.setAttribute('overflow', 'visible')
    group.append(copy)
    place(rect)
  }
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement
    const raw = node.textContent ?? ''
    const start = raw.search(/\S/)
    if (!parent || start < 0 || parent.closest('svg, .visually-hidden')) continue
    const content = raw.replace(/\s+/g, ' ').trim()
    // Only the words: a space before them (between "people" and "(a year)") is not where they start.
    const range = document.createRange()
    range.setStart(node, start)
    range.setEnd(node, raw.trimEnd().length)
    const rects = [...range.getClientRects()].filter((r) => r.width > 0)
    if (rects.length === 0) continue
    const style = getComputedStyle(parent)
    // The tooltip waits, hidden, for the pointer.
    if (style.visibility !== 'visible') continue
    const font: Font = {
      family: style.fontFamily,
      size: parseFloat(style.fontSize),
      weight: style.fontWeight,
      colour: style.color,
    }
    // Text the page wrapped is wrapped again at the same width.
    const lines =
      rects.length === 1 ? [content] : wrapText(content, Math.max(...rects.map((r) => r.width)) + 1, measurer(font))
    lines.forEach((line, i) => {
      const rect = rects[Math.min(i, rects.length - 1)]!
      const extra = i >= rects.length ? (i - rects.length + 1) * rect.height : 0
      group.append(textLine(line, rect.left - origin.left, rect.top - origin.top + extra + rect.height / 2, font))
      place(new DOMRect(rect.left, rect.top + extra, rect.width, rect.height))
    })
  }
  if (!Number.isFinite(top)) top = 0
  return { group, top, width: Math.ceil(origin.width), height: Math.ceil(bottom - top) }
}

/**
 * The standalone SVG of a figure's chart: white background, the figure's title and description
 * above, the chart with its legend, then its caveats and the source below.
 */
export function buildChartSvg(box: Element, figure: ChartFigure, extracted: Date) {
  const chart = copyBox(box)
  const body = getComputedStyle(document.body)
  const family = body.fontFamily
  const colour = body.color
  const fonts = {
    title: { family, size: 20, weight: '700', colour },
    description: { family, size: 15, weight: '400', colour },
    small: { family, size: 13, weight: '400', colour },
  } satisfies Record<string, Font>
  const width = Math.max(chart.width, 320) + 2 * PADDING
  const textWidth = width - 2 * PADDING
  // Title and description above the chart, caveats and source below, in reading order.
  const above: SVGTextElement[] = []
  const below: SVGTextElement[] = []
  let lines = above
  let y = PADDING
  const write = (text: string, font: Font, gapAfter = 0) => {
    const lineHeight = Math.round(font.size * 1.4)
    for (const line of wrapText(text, textWidth, measurer(font))) {
      lines.push(textLine(line, PADDING, y + lineHeight / 2, font))
      y += lineHeight
    }
    y += gapAfter
  }
  write(figure.title, fonts.title, 4)
  write(figure.description, fonts.description, 12)
  chart.group.setAttribute('transform', `translate(${PADDING} ${y - chart.top})`)
  y += chart.height + 12
  lines = below
  for (const note of figure.notes) write(note, fonts.small, 2)
  write(sourceLine(extracted), fonts.small)
  const height = Math.ceil(y + PADDING)

  const svg = svgElement('svg', { width, height, viewBox: `0 0 ${width} ${height}` })
  svg.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS)
  const title = svgElement('title', {})
  title.textContent = figure.title
  const desc = svgElement('desc', {})
  desc.textContent = figure.description
  const background = svgElement('rect', { x: 0, y: 0, width, height, fill: '#ffffff' })
  svg.append(title, desc, background, ...above, chart.group, ...below)
  return { svg, width, height }
}

export function serialiseSvg(svg: SVGSVGElement) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`
}

/** The SVG drawn on a white canvas at twice its size (crisp on high-density screens and in print). */
async function pngOf(svgText: string, width: number, height: number): Promise<Blob> {
  // A blob: URL is of this origin, so drawing it does not taint the canvas.
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml;charset=utf-8' }))
  try {
    const image = new Image(width, height)
    image.src = url
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = Math.ceil(width * PNG_SCALE)
    canvas.height = Math.ceil(height * PNG_SCALE)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('No canvas to draw the chart on')
    context.scale(PNG_SCALE, PNG_SCALE)
    context.drawImage(image, 0, 0, width, height)
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be drawn'))), 'image/png'),
    )
  } finally {
    URL.revokeObjectURL(url)
  }
}

function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
}

/** Downloads the chart drawn in `box` as `<fileName>.svg` or `<fileName>.png`. */
export async function downloadChart(box: Element, figure: ChartFigure, format: ChartFormat, extracted = new Date()) {
  const { svg, width, height } = buildChartSvg(box, figure, extracted)
  const text = serialiseSvg(svg)
  if (format === 'svg') save(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }), `${figure.fileName}.svg`)
  else save(await pngOf(text, width, height), `${figure.fileName}.png`)
}
