import { describe, expect, test } from 'vitest'
import { wrapText } from '#app/components/charts/chart-config.ts'
import { inlineStyleText, localReference, sourceLine } from '#app/components/charts/chart-download.ts'

/** A computed style of the given properties (the others empty, as an unknown property is). */
function style(values: Record<string, string>) {
  return { getPropertyValue: (name: string) => values[name] ?? '' }
}

describe('wrapText', () => {
  // Every character 10 wide: a line of 100 holds 10 characters, spaces included.
  const measure = (text: string) => text.length * 10

  test('fills each line with as many whole words as fit', () => {
    expect(wrapText('People referred to cCBT and ieCBT services', 100, measure)).toEqual([
      'People',
      'referred',
      'to cCBT',
      'and ieCBT',
      'services',
    ])
    expect(wrapText('Source: the dashboard', 1000, measure)).toEqual(['Source: the dashboard'])
  })

  test('gives a word wider than the line a line of its own, and ignores extra spaces', () => {
    expect(wrapText('a  Dumfries-and-Galloway b', 100, measure)).toEqual(['a', 'Dumfries-and-Galloway', 'b'])
    expect(wrapText('   ', 100, measure)).toEqual([])
  })
})

describe('the source line', () => {
  test('gives the moment of extraction in Scottish time, winter and summer', () => {
    expect(sourceLine(new Date('2026-11-22T14:05:00Z'))).toBe(
      'Source: Digital Therapies Programme Dashboard, extracted 22 November 2026, 14:05',
    )
    // 23:30 GMT on 1 July is 00:30 on 2 July in British Summer Time.
    expect(sourceLine(new Date('2026-07-01T23:30:00Z'))).toBe(
      'Source: Digital Therapies Programme Dashboard, extracted 2 July 2026, 00:30',
    )
  })
})

describe('styles carried into the file', () => {
  test('a reference to a pattern points inside the file, not at the page', () => {
    expect(localReference('url("http://localhost:3000/?grain=fq#overview-referrals-solid-0065bd")')).toBe(
      'url(#overview-referrals-solid-0065bd)',
    )
    expect(localReference('url("#coverage-map-no-data")')).toBe('url(#coverage-map-no-data)')
    expect(localReference('rgb(0, 101, 189)')).toBe('rgb(0, 101, 189)')
  })

  test('the root of a chart gets every style that matters, opacity only when not opaque', () => {
    const root = style({
      fill: 'rgb(0, 0, 0)',
      stroke: 'none',
      'stroke-width': '1px',
      'stroke-dasharray': 'none',
      'font-family': 'Roboto, Arial, sans-serif',
      'font-size': '19px',
      'font-weight': '400',
      opacity: '1',
      'text-anchor': 'start',
      'dominant-baseline': 'auto',
    })
    expect(inlineStyleText(root, null)).toBe(
      'fill:rgb(0, 0, 0);stroke:none;stroke-width:1px;stroke-dasharray:none;font-family:Roboto, Arial, sans-serif;font-size:19px;font-weight:400;text-anchor:start;dominant-baseline:auto',
    )
  })

  test('an element inside gets only what differs from its parent, or what its own attribute sets', () => {
    const parent = style({ fill: 'rgb(51, 51, 51)', stroke: 'none', 'font-size': '13px', opacity: '1' })
    const line = style({
      fill: 'none',
      stroke: 'rgb(196, 80, 26)',
      'stroke-dasharray': '8px, 4px',
      'font-size': '13px',
      opacity: '0.5',
    })
    expect(inlineStyleText(line, parent)).toBe(
      'fill:none;stroke:rgb(196, 80, 26);stroke-dasharray:8px, 4px;opacity:0.5',
    )
    // The same fill as its parent but the element has a fill attribute: kept, as on the page a
    // stylesheet may have overridden that attribute, and the file has no stylesheet.
    const text = style({ fill: 'rgb(51, 51, 51)', 'font-size': '13px' })
    expect(inlineStyleText(text, parent, (name) => name === 'fill')).toBe('fill:rgb(51, 51, 51)')
    expect(inlineStyleText(text, parent)).toBe('')
  })
})
