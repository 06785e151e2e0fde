// The figures of /equity from counts as the breakdowns export publishes them: rates worked out
// by hand, nothing worked out from a suppressed count, and the warning on unknown categories.
import { describe, expect, test } from 'vitest'
import {
  equityRateFigure,
  equityRecoveryFigure,
  inequalitySummary,
  unknownShare,
} from '#app/dashboards/figures/equity.ts'
import type { EquityData, EquityDimension } from '#app/models/equity.server.ts'

const cell = (value: number | null, qualifier: 'c' | ':' | 'p' | null = null) => ({ value, qualifier })

/** Five quintiles of 10,000 people each, and not known. */
function simd(referrals: Array<ReturnType<typeof cell>>, recovery?: Array<[number, number]>): EquityDimension {
  return {
    name: 'simd',
    label: 'SIMD quintile',
    categories: ['1', '2', '3', '4', '5', 'unknown'].map((name, i) => ({
      name,
      label: name === 'unknown' ? 'Not known' : `Quintile ${name}`,
      rank: name === 'unknown' ? null : i + 1,
      population: name === 'unknown' ? null : 10_000,
      counts: {
        referrals: referrals[i]!,
        ...(recovery ? { proms_at_caseness: cell(recovery[i]![0]), proms_recovered: cell(recovery[i]![1]) } : {}),
      },
    })),
  }
}

const data = (dimension: EquityDimension): EquityData => ({
  dimensions: [dimension],
  populationYear: 2021,
  populationSources: { simd: ['Test estimates'] },
  measures: [{ name: 'referrals', label: 'Referrals' }],
})
const REFERRALS = { name: 'referrals', label: 'Referrals' }
const PLACE = { name: 'Scotland', year: '2025/26' }

describe('rates by category', () => {
  test('rates per 1,000 people by hand, and the rate for everyone as the reference line', () => {
    // 150 of 10,000 is 15.0 per 1,000; everyone: (150+125+100+85+75+15) / 50,000 = 550 / 50 = 11.0.
    const dimension = simd([cell(150), cell(125), cell(100), cell(85), cell(75), cell(15)])
    const figure = equityRateFigure(data(dimension), dimension, REFERRALS, PLACE)
    expect(figure.rows.map((r) => r.rate)).toEqual([15, 12.5, 10, 8.5, 7.5, null])
    expect(figure.chart).toMatchObject({ type: 'comparison', reference: { value: 11 } })
    // Exact Poisson limits of 150: 126.96 to 176.02, so 12.70 to 17.60 per 1,000.
    expect(figure.rows[0]!.lower).toBeCloseTo(12.696, 2)
    expect(figure.rows[0]!.upper).toBeCloseTo(17.602, 2)
  })

  test('a suppressed count gives a suppressed rate and interval, and no reference line', () => {
    const dimension = simd([cell(null, 'c'), cell(125), cell(100), cell(85), cell(75), cell(null, 'c')])
    const figure = equityRateFigure(data(dimension), dimension, REFERRALS, PLACE)
    expect(figure.rows[0]).toMatchObject({ count: 'c', rate: 'c', lower: 'c', upper: 'c' })
    expect(figure.chart).not.toHaveProperty('reference')
    expect(figure.notes.join(' ')).toMatch(/^c: suppressed|c: suppressed/)
  })

  test('more than one in ten not known is said, with the share', () => {
    // 60 not known of 60 + 440 = 500: 12%.
    const dimension = simd([cell(100), cell(100), cell(100), cell(70), cell(70), cell(60)])
    expect(unknownShare(dimension, 'referrals')).toEqual({ unknown: 60, total: 500, share: 0.12, warning: true })
    const figure = equityRateFigure(data(dimension), dimension, REFERRALS, PLACE)
    expect(figure.notes.join(' ')).toContain(
      '12.0% of referrals (60 of 500) have no SIMD quintile recorded: more than 1 in 10',
    )
    // 40 not known of 480: 8.3%, under the line.
    const fewer = simd([cell(100), cell(100), cell(100), cell(70), cell(70), cell(40)])
    expect(unknownShare(fewer, 'referrals')?.warning).toBe(false)
  })
})

describe('the gap and the indices of inequality', () => {
  test('worked from the quintiles when all are published', () => {
    // Equal populations, rates 15, 12.5, 10, 8.5, 7.5 per 1,000: gap 15 - 7.5 = 7.5, ratio 2.
    const dimension = simd([cell(150), cell(125), cell(100), cell(85), cell(75), cell(15)])
    const summary = inequalitySummary(dimension, 'referrals', 'population')
    expect(summary.available).toBe(true)
    expect(summary.gap).toEqual({ absolute: 7.5, ratio: 2, mostRank: 1, leastRank: 5 })
    // Equal shares put the quintiles at ranks 0.1, 0.3, 0.5, 0.7, 0.9; the least-squares slope of
    // the rates (mean 10.7) on them is sum((x - 0.5)(y - 10.7)) / sum((x - 0.5)^2).
    // x - 0.5: -0.4, -0.2, 0, 0.2, 0.4; y - 10.7: 4.3, 1.8, -0.7, -2.2, -3.2.
    // Products: -1.72, -0.36, 0, -0.44, -1.28 = -3.8; squares: 0.16, 0.04, 0, 0.04, 0.16 = 0.4.
    // Slope -3.8 / 0.4 = -9.5: the fitted line falls by 9.5 from rank 0 to rank 1.
    expect(summary.sii!.value).toBeCloseTo(9.5, 10)
    // Ends: 10.7 + 9.5 * 0.5 = 15.45 and 10.7 - 4.75 = 5.95; RII 15.45 / 5.95.
    expect(summary.rii!.value).toBeCloseTo(15.45 / 5.95, 10)
    expect(summary.sii!.lower!).toBeLessThan(9.5)
    expect(summary.sii!.upper!).toBeGreaterThan(9.5)
  })

  test('refused when a quintile is suppressed: it could give the count away', () => {
    const dimension = simd([cell(null, 'c'), cell(125), cell(100), cell(85), cell(75), cell(15)])
    expect(inequalitySummary(dimension, 'referrals', 'population')).toEqual({
      available: false,
      reason: 'A quintile’s count is suppressed (c), so no gap or index is given: it could give the count away.',
    })
  })

  test('recovery by quintile, as percentages with Wilson intervals, and its slope index negative', () => {
    const dimension = simd(
      [cell(150), cell(125), cell(100), cell(85), cell(75), cell(15)],
      [
        [100, 38],
        [100, 44],
        [100, 48],
        [100, 52],
        [100, 55],
        [10, 5],
      ],
    )
    const figure = equityRecoveryFigure(data(dimension), dimension, PLACE)
    expect(figure.rows.map((r) => r.rate)).toEqual([0.38, 0.44, 0.48, 0.52, 0.55, 0.5])
    const summary = inequalitySummary(dimension, 'proms_recovered', 'proms_at_caseness')
    // Rates 0.38, 0.44, 0.48, 0.52, 0.55 (mean 0.474) on ranks 0.1 ... 0.9: deviations -0.094,
    // -0.034, 0.006, 0.046, 0.076; products with -0.4, -0.2, 0, 0.2, 0.4: 0.0376 + 0.0068 + 0 +
    // 0.0092 + 0.0304 = 0.084; over 0.4, a slope of 0.21, so SII = -0.21 (21 percentage points
    // lower recovery at the most deprived end).
    expect(summary.sii!.value).toBeCloseTo(-0.21, 10)
  })
})
