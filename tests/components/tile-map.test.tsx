// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { type MapTile, TileMap } from '#app/components/charts/tile-map.tsx'

const tile = (code: string, name: string, value: number | null, extra: Partial<MapTile> = {}): MapTile => ({
  code,
  name,
  label: name,
  row: 0,
  column: 0,
  value,
  ...extra,
})

function renderMap(tiles: MapTile[], kind: 'rate' | 'percent' = 'rate') {
  render(
    <TileMap
      id="map"
      tiles={tiles}
      kind={kind}
      indicatorLabel="Referrals per 100,000 people"
      unit="per 100,000 people, 12 months"
    />,
  )
  return within(screen.getByRole('list'))
}

const keyEntries = (key: ReturnType<typeof renderMap>) => key.getAllByRole('listitem').map((li) => li.textContent)

describe('the tile map’s key', () => {
  test('splits the range into five equal classes, each up to but not including the next', () => {
    // From 100 to 600: five classes 100 wide. A value on a boundary belongs to the higher class.
    const key = renderMap([
      tile('A', 'Lothian', 100),
      tile('B', 'Fife', 250, { column: 1 }),
      tile('C', 'Highland', 300, { column: 2 }),
      tile('D', 'Orkney', 600, { column: 3 }),
    ])
    expect(keyEntries(key)).toEqual([
      '100.0 to under 200.0',
      '200.0 to under 300.0',
      '300.0 to under 400.0',
      '400.0 to under 500.0',
      '500.0 to 600.0',
    ])
    expect(screen.getByText('Referrals per 100,000 people (per 100,000 people, 12 months)')).toBeVisible()
  })

  test('gives percentages as percentages', () => {
    // From 80% to 95%: classes 3 points wide.
    const key = renderMap([tile('A', 'Lothian', 0.8), tile('B', 'Fife', 0.95, { column: 1 })], 'percent')
    expect(keyEntries(key)).toEqual([
      '80.0% to under 83.0%',
      '83.0% to under 86.0%',
      '86.0% to under 89.0%',
      '89.0% to under 92.0%',
      '92.0% to 95.0%',
    ])
  })

  test('with every board on the same figure, one class', () => {
    const key = renderMap([tile('A', 'Lothian', 250), tile('B', 'Fife', 250, { column: 1 })])
    expect(keyEntries(key)).toEqual(['250.0'])
  })

  test('explains boards without figures, hidden figures and the selected board', () => {
    const key = renderMap([
      tile('A', 'Lothian', 100, { highlighted: true }),
      tile('B', 'Fife', 600, { column: 1 }),
      tile('C', 'Orkney', null, { column: 2, suppressed: true }),
    ])
    const entries = keyEntries(key)
    expect(entries).toHaveLength(7)
    expect(entries.slice(5)).toEqual(['No figures, or hidden (c)', 'Selected board'])
  })

  test('says “No figures” when a board has none and nothing is hidden', () => {
    const key = renderMap([tile('A', 'Lothian', 100), tile('B', 'Shetland', null, { column: 1 })])
    expect(keyEntries(key).at(-1)).toBe('No figures')
  })

  test('the map itself reads out every board and its figure', () => {
    renderMap([
      tile('A', 'Lothian', 106.46),
      tile('B', 'Orkney', null, { column: 1, suppressed: true }),
      tile('C', 'Shetland', null, { column: 2 }),
    ])
    const map = screen.getByRole('img', { name: /Tile map of referrals per 100,000 people by board/ })
    expect(map).toHaveAccessibleName(
      expect.stringContaining('Lothian: 106.5; Orkney: c (hidden); Shetland: no figures.'),
    )
  })
})
