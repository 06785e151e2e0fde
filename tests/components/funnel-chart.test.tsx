// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, test } from 'vitest'
import { FunnelChart, labelledCodes, placeLabels } from '#app/components/charts/funnel-chart.tsx'
import { computeFunnel, type FunnelInput, funnelCurve } from '#app/statistics/funnels.ts'

afterEach(cleanup)

// The worked funnel of tests/statistics/funnels.test.ts: P = 0.8; A above 99.8%, B below 95%,
// C within, D above 99.8%.
const small: FunnelInput[] = [
  { code: 'A', name: 'Board A', numerator: 350, denominator: 400 },
  { code: 'B', name: 'Board B', numerator: 1960, denominator: 2500 },
  { code: 'C', name: 'Board C', numerator: 40, denominator: 50 },
  { code: 'D', name: 'Board D', numerator: 50, denominator: 50 },
]

function chart(inputs: FunnelInput[], selectedCode: string | null = null) {
  const funnel = computeFunnel(inputs, { kind: 'proportion' })
  const denominators = inputs.map((i) => i.denominator!)
  const curve = funnelCurve(funnel.centre!, 'proportion', {
    from: Math.min(...denominators),
    to: Math.max(...denominators),
  })
  return render(
    <FunnelChart
      id="rtt-funnel"
      title="18-week performance"
      kind="proportion"
      centre={funnel.centre!}
      points={funnel.points}
      curve={curve}
      selectedCode={selectedCode}
      xLabel="People who started treatment"
      yLabel="% started within 18 weeks"
    />,
  )
}

describe('the funnel plot', () => {
  test('every board is a point shaped by its flag; the limits, centre and key are drawn', () => {
    const { container } = chart(small)
    expect(
      [...container.querySelectorAll('[data-code]')].map((p) => [
        p.getAttribute('data-code'),
        p.getAttribute('data-flag'),
      ]),
    ).toEqual([
      ['A', 'above_998'],
      ['B', 'below_95'],
      ['C', 'within'],
      ['D', 'above_998'],
    ])
    for (const line of ['centre', 'upper-95', 'lower-95', 'upper-998', 'lower-998']) {
      expect(container.querySelector(`[data-line="${line}"]`), line).not.toBeNull()
    }
    expect(
      within(screen.getByRole('list', { name: 'Key' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Above the 99.8% limit',
      'Within the limits',
      'Below the 95% limit',
      'Scotland',
      '95% limits',
      '99.8% limits',
    ])
    // The key alone names the lines: names at their ends crowd together where the limits close in.
    const plot = screen.getByRole('img', { name: /^Funnel plot: 18-week performance/ })
    expect(within(plot).queryByText('Scotland')).toBeNull()
    expect(within(plot).queryByText('99.8%')).toBeNull()
  })

  test('says in words which boards are outside the limits', () => {
    chart(small, 'C')
    expect(screen.getByRole('img', { name: /Funnel plot: 18-week performance/ })).toHaveAccessibleName(
      'Funnel plot: 18-week performance Funnel plot of 18-week performance by board: 4 boards around Scotland’s 80.0%. ' +
        'Above the 99.8% limit: Board A (87.5%), Board D (100.0%). Below the 95% limit: Board B (78.4%). ' +
        'Within the limits: 1 boards. Board C: 80.0%, within the limits.',
    )
  })

  test('labels only the boards outside the limits and the chosen one', () => {
    const { container } = chart(small)
    expect([...container.querySelectorAll('[data-label]')].map((l) => l.textContent).sort()).toEqual([
      'Board A',
      'Board B',
      'Board D',
    ])
    cleanup()
    const chosen = chart(small, 'C')
    expect(chosen.container.querySelector('[data-label="C"]')?.textContent).toBe('Board C')
    expect(chosen.container.querySelector('[data-selected]')).not.toBeNull()
  })

  test('140 boards: only those outside the limits and the chosen one are labelled', () => {
    // Board i of 140: denominator 200 + 50 i; 0.8 for most, 0.95 for every 20th (0, 20, ...,
    // 120: 7 boards) and 0.6 for every 35th not already high (35, 70, 105: 3 boards). Pooled:
    // denominators sum to 140 x 200 + 50 x (139 x 140 / 2) = 514,500; the highs add 0.15 x 22,400
    // = 3,360 and the lows take 0.2 x 11,100 = 2,220, so P = 0.8 + 1,140 / 514,500 = 0.8022.
    // 0.95 is outside the 99.8% limits even at n = 200 (3.09 x sqrt(0.8022 x 0.1978 / 200) =
    // 0.087 < 0.148), and 0.8 inside the 95% limits even at n = 7,150 (1.96 x 0.0047 = 0.0092 >
    // 0.0022).
    const inputs: FunnelInput[] = Array.from({ length: 140 }, (_, i) => {
      const denominator = 200 + 50 * i
      const p = i % 20 === 0 ? 0.95 : i % 35 === 0 ? 0.6 : 0.8
      return { code: `B${i}`, name: `Board number ${i}`, numerator: Math.round(p * denominator), denominator }
    })
    const { container } = chart(inputs, 'B3')
    const labelled = labelledCodes(computeFunnel(inputs, { kind: 'proportion' }).points, 'B3')
    expect([...labelled].sort()).toEqual(['B0', 'B100', 'B105', 'B120', 'B20', 'B3', 'B35', 'B40', 'B60', 'B70', 'B80'])
    const drawnLabels = [...container.querySelectorAll('[data-label]')].map((l) => l.getAttribute('data-label'))
    expect(drawnLabels).toContain('B3')
    expect(drawnLabels.every((code) => labelled.has(code!))).toBe(true)
    expect(container.querySelectorAll('[data-code]')).toHaveLength(140)
  })

  test('label placement: beside the point, moved when it would overlap, left out when nothing fits', () => {
    const bounds = { x: 0, y: 0, width: 300, height: 200 }
    // Two points at the same place: the first label goes right, the second left.
    const placed = placeLabels(
      [
        { code: 'a', text: 'aaaa', x: 100, y: 100, priority: 1 },
        { code: 'b', text: 'bbbb', x: 100, y: 100, priority: 1 },
      ],
      bounds,
    )
    expect(placed.map((p) => [p.code, p.anchor])).toEqual([
      ['a', 'start'],
      ['b', 'end'],
    ])
    // The chosen board (priority 0) is placed first even if listed last.
    expect(
      placeLabels(
        [
          { code: 'x', text: 'x', x: 50, y: 50, priority: 2 },
          { code: 'c', text: 'c', x: 50, y: 50, priority: 0 },
        ],
        bounds,
      )[0]!.code,
    ).toBe('c')
    // Five labels on one spot: four sides, then no room.
    const crowd = placeLabels(
      Array.from({ length: 5 }, (_, i) => ({ code: String(i), text: 'label', x: 150, y: 100, priority: 1 })),
      bounds,
    )
    expect(crowd).toHaveLength(4)
  })
})
