import { describe, expect, test } from 'vitest'
import {
  contrastRatio,
  formatTick,
  formatTooltipValue,
  HIGHLIGHT_COLOUR,
  MAP_SCALE,
  MAP_TILE_BORDER,
  mapClasses,
  mapClassOf,
  niceMax,
  PAGE_BACKGROUND,
  REFERENCE_COLOUR,
  SERIES_STYLES,
  STANDARD_COLOUR,
  TEXT_COLOUR,
  textColourOn,
} from '#app/components/charts/chart-config.ts'
import { tileLabelLines } from '#app/components/charts/tile-map.tsx'

describe('chart colours', () => {
  test('every line, bar, reference and border colour has at least 3:1 contrast with the page (WCAG 1.4.11)', () => {
    for (const colour of [
      ...SERIES_STYLES.map((s) => s.colour),
      HIGHLIGHT_COLOUR,
      REFERENCE_COLOUR,
      STANDARD_COLOUR,
      MAP_TILE_BORDER,
    ]) {
      expect(contrastRatio(colour, PAGE_BACKGROUND), colour).toBeGreaterThanOrEqual(3)
    }
  })

  test('no series is told apart by colour alone: each has its own line style and fill pattern', () => {
    const dashes = SERIES_STYLES.map((s) => s.dash ?? 'solid')
    expect(new Set(dashes).size).toBe(SERIES_STYLES.length)
    expect(new Set(SERIES_STYLES.map((s) => s.pattern)).size).toBe(SERIES_STYLES.length)
  })

  test('text on every tile-map colour has at least 4.5:1 contrast (WCAG 1.4.3)', () => {
    for (const fill of MAP_SCALE) expect(contrastRatio(textColourOn(fill), fill), fill).toBeGreaterThanOrEqual(4.5)
    expect(textColourOn('#e6f0fa')).toBe(TEXT_COLOUR)
    expect(textColourOn('#0b3d73')).toBe('#ffffff')
  })

  test('the contrast ratio is the WCAG one: black on white is 21, a colour on itself 1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrastRatio('#0065bd', '#0065bd')).toBe(1)
    expect(() => contrastRatio('blue', '#ffffff')).toThrow(RangeError)
  })
})

describe('the tile map classes', () => {
  test('five equal classes from the lowest value to the highest', () => {
    const classes = mapClasses([10, 20, null, 60])
    expect(classes.map((c) => [c.from, c.to])).toEqual([
      [10, 20],
      [20, 30],
      [30, 40],
      [40, 50],
      [50, 60],
    ])
    expect(classes.map((c) => c.colour)).toEqual([...MAP_SCALE])
  })

  test('a value on a boundary goes to the higher class; the highest to the last; none to none', () => {
    const classes = mapClasses([10, 60])
    expect(mapClassOf(20, classes)).toBe(classes[1])
    expect(mapClassOf(19.99, classes)).toBe(classes[0])
    expect(mapClassOf(60, classes)).toBe(classes[4])
    expect(mapClassOf(null, classes)).toBeNull()
  })

  test('all values equal: one class; no values: none', () => {
    expect(mapClasses([0.9, 0.9])).toHaveLength(1)
    expect(mapClasses([null])).toEqual([])
  })

  test('tile labels wrap at spaces to about 14 characters', () => {
    expect(tileLabelLines('Dumfries & Galloway')).toEqual(['Dumfries &', 'Galloway'])
    expect(tileLabelLines('Fife')).toEqual(['Fife'])
    expect(tileLabelLines('Glasgow & Clyde')).toEqual(['Glasgow &', 'Clyde'])
  })
})

describe('axis and tooltip numbers', () => {
  test('ticks: percentages whole, counts with separators, millions short', () => {
    expect(formatTick(0.9, 'percent')).toBe('90%')
    expect(formatTick(12_000, 'count')).toBe('12,000')
    expect(formatTick(2_500_000, 'count')).toBe('2.5m')
    expect(formatTick(1234.56, 'rate')).toBe('1,235')
  })

  test('the tooltip says "not reported" for a gap, never 0', () => {
    expect(formatTooltipValue(null, 'count')).toBe('not reported')
    expect(formatTooltipValue(undefined, 'percent')).toBe('not reported')
    expect(formatTooltipValue(0, 'count')).toBe('0')
    expect(formatTooltipValue(0.9123, 'percent')).toBe('91.2%')
  })

  test('a shared scale rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(7)).toBe(10)
    expect(niceMax(1_001)).toBe(2_000)
    expect(niceMax(2_100)).toBe(2_500)
    expect(niceMax(4_185)).toBe(5_000)
    expect(niceMax(100)).toBe(100)
  })
})
