// Inequality by SIMD quintile, by PHE's slope index method. Every expected rate, gap, SII and RII
// below is worked by hand in the comment beside it; the simulated intervals are checked against
// a normal approximation (the delta method) computed here in the test, never read back from the
// code. Sign convention: the SII is the fitted rate at the most deprived end minus the least
// deprived end (positive when the rate is higher among the most deprived) and the RII is most
// over least.
import { describe, expect, test } from 'vitest'
import { Z_95 } from '#app/statistics/funnels.ts'
import {
  groupRate,
  type RankedGroup,
  rateGap,
  relativeRanks,
  slopeIndex,
  type SlopeIndex,
  wilsonInterval,
} from '#app/statistics/inequality.ts'

/** Groups from [rank, denominator, count] rows. */
function groups(rows: Array<[number, number, number]>): RankedGroup[] {
  return rows.map(([rank, denominator, count]) => ({ rank, denominator, count }))
}

function available(result: ReturnType<typeof slopeIndex>): SlopeIndex {
  if (!result.available) throw new Error(`expected an estimate, got ${result.reason}`)
  return result
}

/** True when any number anywhere in the value is NaN. */
function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value)
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNaN)
  return false
}

describe('the rate of each category', () => {
  test('a rate per 1,000 with its exact Poisson interval', () => {
    // 0 referrals in 1,000 people: the upper limit is the mean with P(X = 0) = exp(-m) = 0.025,
    // m = ln 40 = 3.688879, so 3.688879 per 1,000; the lower limit is 0.
    expect(groupRate({ rank: 1, count: 0, denominator: 1000 }, { measure: 'rate' })).toEqual({
      value: 0,
      lower: 0,
      upper: expect.closeTo(3.688879, 5),
    })
    // 1 in 2,000: the lower limit is m with P(X >= 1) = 1 - exp(-m) = 0.025, m = -ln 0.975 =
    // 0.0253178; the upper is m with exp(-m)(1 + m) = 0.025, m = 5.571643 (the textbook value).
    // Per 1,000: 0.5, 0.0126589 and 2.7858.
    const one = groupRate({ rank: 1, count: 1, denominator: 2000 }, { measure: 'rate' })!
    expect(one.value).toBe(0.5)
    expect(one.lower).toBeCloseTo(0.0126589, 6)
    expect(one.upper).toBeCloseTo(2.785822, 4)
  })

  test('a proportion with its Wilson score interval', () => {
    // 80 recovered of 200 at caseness, z = 1.959964 (z^2 = 3.841459):
    // (2 x 80 + z^2 -/+ z sqrt(z^2 + 4 x 80 x 0.6)) / (2 (200 + z^2))
    // = (163.841459 -/+ 27.428396) / 407.682918 = 0.334606 and 0.469163.
    const recovered = groupRate({ rank: 1, count: 80, denominator: 200 }, { measure: 'proportion' })!
    expect(recovered.value).toBe(0.4)
    expect(recovered.lower).toBeCloseTo(0.334606, 6)
    expect(recovered.upper).toBeCloseTo(0.469163, 6)
    // As a percentage with multiplier 100.
    const percent = groupRate({ rank: 1, count: 80, denominator: 200 }, { measure: 'proportion', multiplier: 100 })!
    expect(percent.value).toBe(40)
    expect(percent.lower).toBeCloseTo(33.4606, 3)
    // All or none: the interval stays within 0 and 1.
    expect(wilsonInterval(0, 10).lower).toBe(0)
    expect(wilsonInterval(10, 10).upper).toBe(1)
  })

  test('no rate without a denominator or with figures that are not counts', () => {
    expect(groupRate({ rank: 1, count: 0, denominator: 0 }, { measure: 'rate' })).toBeNull()
    expect(groupRate({ rank: 1, count: -1, denominator: 100 }, { measure: 'rate' })).toBeNull()
    expect(groupRate({ rank: 1, count: 11, denominator: 10 }, { measure: 'proportion' })).toBeNull()
  })
})

describe('the gap and ratio between the most and least deprived', () => {
  test('most deprived minus least deprived, and most over least', () => {
    // Quintile 1: 48 per 1,000; quintile 5: 28 in 2,000 = 14 per 1,000.
    // Gap 48 - 14 = 34; ratio 48 / 14 = 3.428571.
    const gap = rateGap(
      groups([
        [5, 2000, 28],
        [1, 1000, 48],
        [3, 3000, 96],
      ]),
      { measure: 'rate' },
    )
    expect(gap).toMatchObject({ available: true, mostDeprivedRank: 1, leastDeprivedRank: 5, absolute: 34 })
    if (!gap.available) throw new Error('expected a gap')
    expect(gap.ratio).toBeCloseTo(3.428571, 6)
  })

  test('a quintile nobody lives in is skipped, and the ranks compared say so', () => {
    // Some island boards have nobody in SIMD quintile 1: quintile 2 (30 per 1,000) is compared
    // with quintile 5 (10 per 1,000): gap 20, ratio 3.
    const gap = rateGap(
      groups([
        [1, 0, 0],
        [2, 1000, 30],
        [5, 1000, 10],
      ]),
      { measure: 'rate' },
    )
    expect(gap).toMatchObject({ mostDeprivedRank: 2, leastDeprivedRank: 5, absolute: 20, ratio: 3 })
  })

  test('no ratio when the least deprived rate is 0', () => {
    const gap = rateGap(
      groups([
        [1, 1000, 5],
        [5, 1000, 0],
      ]),
      { measure: 'rate' },
    )
    expect(gap).toMatchObject({ absolute: 5, ratio: null })
  })
})

describe('relative ranks', () => {
  test('the midpoint of each category in the cumulative share, most deprived first', () => {
    // Shares 0.1, 0.2, 0.3, 0.2, 0.2; cumulative 0, 0.1, 0.3, 0.6, 0.8, 1;
    // midpoints 0.05, 0.2, 0.45, 0.7, 0.9.
    const ranks = relativeRanks([1000, 2000, 3000, 2000, 2000])
    expect(ranks.map((r) => r.share)).toEqual([0.1, 0.2, 0.3, 0.2, 0.2].map((x) => expect.closeTo(x, 12)))
    expect(ranks.map((r) => r.relativeRank)).toEqual([0.05, 0.2, 0.45, 0.7, 0.9].map((x) => expect.closeTo(x, 12)))
    expect(() => relativeRanks([0, 0])).toThrow(RangeError)
  })
})

describe('the slope and relative indices of inequality', () => {
  test('two categories: the line passes through both', () => {
    // Quintile 1: 30 in 1,000 = 30 per 1,000; quintile 5: 60 in 3,000 = 20 per 1,000.
    // Shares 0.25 and 0.75, relative ranks 0.125 and 0.625.
    // Slope (20 - 30) / (0.625 - 0.125) = -20 per unit of rank.
    // Fitted at 0: 30 + 20 x 0.125 = 32.5; at 1: 30 - 20 x 0.875 = 12.5.
    // SII = 32.5 - 12.5 = 20; RII = 32.5 / 12.5 = 2.6.
    const result = available(
      slopeIndex(
        groups([
          [1, 1000, 30],
          [5, 3000, 60],
        ]),
        { measure: 'rate', repetitions: 10_000 },
      ),
    )
    expect(result.fittedMostDeprived).toBeCloseTo(32.5, 10)
    expect(result.fittedLeastDeprived).toBeCloseTo(12.5, 10)
    expect(result.sii.value).toBeCloseTo(20, 10)
    expect(result.rii!.value).toBeCloseTo(2.6, 10)
    expect(result.sii.lower!).toBeLessThan(20)
    expect(result.sii.upper!).toBeGreaterThan(20)
  })

  test('three equal categories: the slope depends only on the two ends', () => {
    // Equal shares 1/3, relative ranks 1/6, 1/2, 5/6 (b - 1/2 = -1/3, 0, 1/3).
    // Weighted: sum a (b - 1/2)^2 = (1/3)(1/9 + 0 + 1/9) = 2/27;
    // sum a (b - 1/2) y = (y3 - y1) / 9; slope = (y3 - y1) / 9 x 27 / 2 = 1.5 (y3 - y1).
    // Rates 30, 10, 20 per 1,000 (60, 20 and 40 in 2,000 each): slope = 1.5 x (20 - 30) = -15,
    // SII = 15. The line passes through (1/2, mean 20): fitted 20 + 7.5 = 27.5 at the most
    // deprived end and 20 - 7.5 = 12.5 at the least; RII = 27.5 / 12.5 = 2.2.
    const result = available(
      slopeIndex(
        groups([
          [1, 2000, 60],
          [2, 2000, 20],
          [3, 2000, 40],
        ]),
        { measure: 'rate', repetitions: 10_000 },
      ),
    )
    expect(result.sii.value).toBeCloseTo(15, 10)
    expect(result.fittedMostDeprived).toBeCloseTo(27.5, 10)
    expect(result.fittedLeastDeprived).toBeCloseTo(12.5, 10)
    expect(result.rii!.value).toBeCloseTo(2.2, 10)
  })

  test('five unequal quintiles whose rates lie on a line: the SII is the line’s drop', () => {
    // Populations 1,000, 2,000, 3,000, 2,000, 2,000: relative ranks 0.05, 0.2, 0.45, 0.7, 0.9.
    // Rates on y = 50 - 40 b: 48, 42, 32, 22, 14 per 1,000, i.e. counts 48, 84, 96, 44, 28.
    // Weighted least squares recovers the line exactly: fitted 50 at the most deprived end and
    // 10 at the least; SII = 40, RII = 5.
    const data = groups([
      [1, 1000, 48],
      [2, 2000, 84],
      [3, 3000, 96],
      [4, 2000, 44],
      [5, 2000, 28],
    ])
    const result = available(slopeIndex(data, { measure: 'rate', repetitions: 10_000 }))
    expect(result.points.map((p) => p.rate.value)).toEqual([48, 42, 32, 22, 14])
    expect(result.fittedMostDeprived).toBeCloseTo(50, 10)
    expect(result.fittedLeastDeprived).toBeCloseTo(10, 10)
    expect(result.sii.value).toBeCloseTo(40, 10)
    expect(result.rii!.value).toBeCloseTo(5, 10)
    expect(result.caveats).toEqual([])
    // The order the categories come in does not matter.
    const shuffled = available(slopeIndex([...data].reverse(), { measure: 'rate', repetitions: 10_000 }))
    expect(shuffled.sii).toEqual(result.sii)
  })

  test('recovery higher among the least deprived gives a negative SII and an RII below 1', () => {
    // 200 at caseness in each quintile, 80, 90, 100, 110, 120 recovered: 0.40 to 0.60, on the
    // line p = 0.375 + 0.25 b through relative ranks 0.1, 0.3, 0.5, 0.7, 0.9.
    // Fitted 0.375 at the most deprived end, 0.625 at the least: SII = 0.375 - 0.625 = -0.25
    // (-25 percentage points with multiplier 100), RII = 0.375 / 0.625 = 0.6.
    const data = groups([
      [1, 200, 80],
      [2, 200, 90],
      [3, 200, 100],
      [4, 200, 110],
      [5, 200, 120],
    ])
    const fraction = available(slopeIndex(data, { measure: 'proportion', repetitions: 10_000 }))
    expect(fraction.sii.value).toBeCloseTo(-0.25, 10)
    expect(fraction.rii!.value).toBeCloseTo(0.6, 10)
    expect(fraction.sii.lower!).toBeLessThan(-0.25)
    expect(fraction.sii.upper!).toBeGreaterThan(-0.25)
    expect(fraction.sii.upper!).toBeLessThan(0)
    const percent = available(slopeIndex(data, { measure: 'proportion', multiplier: 100, repetitions: 10_000 }))
    expect(percent.sii.value).toBeCloseTo(-25, 8)
    expect(percent.sii.lower!).toBeCloseTo(fraction.sii.lower! * 100, 8)
    expect(percent.rii!.value).toBeCloseTo(0.6, 10)
  })
})

describe('the simulated 95% intervals', () => {
  // 50,000 people in each quintile; 1,000, 850, 750, 600, 500 referrals: 20, 17, 15, 12, 10 per
  // 1,000. Relative ranks 0.1 to 0.9, b - 1/2 = -0.4, -0.2, 0, 0.2, 0.4, sum a (b - 1/2)^2 = 0.08,
  // so SII = -slope = sum w y with w = -0.2 (b - 1/2) / 0.08 = 1, 0.5, 0, -0.5, -1:
  // SII = 20 + 8.5 - 6 - 10 = 12.5. Mean rate 14.8; fitted ends 14.8 +/- 6.25 = 21.05 and 8.55;
  // RII = 21.05 / 8.55 = 2.461988.
  const data = groups([
    [1, 50_000, 1000],
    [2, 50_000, 850],
    [3, 50_000, 750],
    [4, 50_000, 600],
    [5, 50_000, 500],
  ])

  test('close to the normal approximation for large counts', () => {
    const result = available(slopeIndex(data, { measure: 'rate' }))
    expect(result.sii.value).toBeCloseTo(12.5, 10)
    expect(result.rii!.value).toBeCloseTo(2.461988, 6)

    // Normal approximation: a rate per 1,000 from a Poisson count O has variance rate^2 / O.
    const rates = [20, 17, 15, 12, 10]
    const counts = [1000, 850, 750, 600, 500]
    const w = [1, 0.5, 0, -0.5, -1]
    // Var(SII) = 400/1000 + 0.25 x 289/850 + 0 + 0.25 x 144/600 + 100/500 = 0.745; sd 0.863134;
    // 12.5 -/+ 1.96 x 0.863134 = 10.808 to 14.192.
    const variance = rates.reduce((sum, y, i) => sum + (w[i]! ** 2 * (y * y)) / counts[i]!, 0)
    expect(variance).toBeCloseTo(0.745, 10)
    expect(result.sii.lower!).toBeCloseTo(12.5 - Z_95 * Math.sqrt(variance), 1)
    expect(result.sii.upper!).toBeCloseTo(12.5 + Z_95 * Math.sqrt(variance), 1)

    // RII by the delta method on the log scale: the fitted ends are sum u y and sum v y with
    // u = 0.2 + w / 2 and v = 0.2 - w / 2; Var(ln RII) = sum (u/21.05 - v/8.55)^2 Var(y).
    const u = w.map((x) => 0.2 + x / 2)
    const v = w.map((x) => 0.2 - x / 2)
    const logVariance = rates.reduce(
      (sum, y, i) => sum + (u[i]! / 21.05 - v[i]! / 8.55) ** 2 * ((y * y) / counts[i]!),
      0,
    )
    const riiLower = 2.461988 * Math.exp(-Z_95 * Math.sqrt(logVariance))
    const riiUpper = 2.461988 * Math.exp(Z_95 * Math.sqrt(logVariance))
    expect(Math.abs(result.rii!.lower! / riiLower - 1)).toBeLessThan(0.015)
    expect(Math.abs(result.rii!.upper! / riiUpper - 1)).toBeLessThan(0.015)
  })

  test('reproducible for a seed, and only slightly different for another', () => {
    const first = available(slopeIndex(data, { measure: 'rate', repetitions: 20_000 }))
    const again = available(slopeIndex(data, { measure: 'rate', repetitions: 20_000 }))
    expect(again.sii).toEqual(first.sii)
    expect(again.rii).toEqual(first.rii)
    const other = available(slopeIndex(data, { measure: 'rate', repetitions: 20_000, seed: 7 }))
    expect(other.sii.lower).not.toBe(first.sii.lower)
    expect(other.sii.lower!).toBeCloseTo(first.sii.lower!, 0)
  })

  test('100,000 draws for five quintiles take well under a second', () => {
    const started = performance.now()
    slopeIndex(data, { measure: 'rate', repetitions: 100_000 })
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('when the figures do not allow an estimate', () => {
  test('fewer than two categories with a population', () => {
    expect(slopeIndex([], { measure: 'rate' })).toEqual({ available: false, reason: 'fewer_than_two_groups' })
    expect(slopeIndex(groups([[1, 1000, 10]]), { measure: 'rate' })).toEqual({
      available: false,
      reason: 'fewer_than_two_groups',
    })
    const onePopulated = groups([
      [1, 1000, 10],
      [5, 0, 0],
    ])
    expect(slopeIndex(onePopulated, { measure: 'rate' })).toEqual({ available: false, reason: 'fewer_than_two_groups' })
    expect(rateGap(onePopulated, { measure: 'rate' })).toEqual({ available: false, reason: 'fewer_than_two_groups' })
  })

  test('figures that are not counts and denominators', () => {
    const invalid = { available: false, reason: 'invalid_input' }
    const rate = { measure: 'rate' } as const
    expect(
      slopeIndex(
        groups([
          [1, 1000, -1],
          [5, 1000, 3],
        ]),
        rate,
      ),
    ).toEqual(invalid)
    expect(
      slopeIndex(
        groups([
          [1, 1000, Number.NaN],
          [5, 1000, 3],
        ]),
        rate,
      ),
    ).toEqual(invalid)
    expect(
      slopeIndex(
        groups([
          [1, 0, 4],
          [5, 1000, 3],
        ]),
        rate,
      ),
    ).toEqual(invalid)
    expect(
      slopeIndex(
        groups([
          [1, 1000, 4],
          [1, 1000, 3],
        ]),
        rate,
      ),
    ).toEqual(invalid)
    expect(
      slopeIndex(
        groups([
          [1, 10, 11],
          [5, 10, 3],
        ]),
        { measure: 'proportion' },
      ),
    ).toEqual(invalid)
    expect(
      rateGap(
        groups([
          [1, 1000, -1],
          [5, 1000, 3],
        ]),
        rate,
      ),
    ).toEqual(invalid)
  })

  test('options that make no sense are a programming error', () => {
    const data = groups([
      [1, 1000, 10],
      [5, 1000, 5],
    ])
    expect(() => slopeIndex(data, { measure: 'rate', repetitions: 10 })).toThrow(RangeError)
    expect(() => slopeIndex(data, { measure: 'rate', multiplier: 0 })).toThrow(RangeError)
  })

  test('a quintile with no referrals: the indices without an interval', () => {
    // Rates 10, 0 per 1,000 in equal populations: relative ranks 0.25 and 0.75, slope -20,
    // fitted 15 at the most deprived end and -5 at the least: SII = 20, and no RII (the line is
    // below 0 at the least deprived end). A count of 0 has no logarithm: no interval.
    const result = available(
      slopeIndex(
        groups([
          [1, 1000, 10],
          [5, 1000, 0],
        ]),
        { measure: 'rate' },
      ),
    )
    expect(result.sii).toEqual({ value: expect.closeTo(20, 10), lower: null, upper: null })
    expect(result.rii).toBeNull()
    expect(result.caveats).toEqual(['least_deprived_end_not_positive', 'count_at_bound'])
    expect(hasNaN(result)).toBe(false)
  })

  test('nobody referred anywhere: SII 0, no RII, nothing NaN', () => {
    const result = available(
      slopeIndex(
        groups([
          [1, 1000, 0],
          [2, 1000, 0],
          [3, 1000, 0],
        ]),
        { measure: 'rate' },
      ),
    )
    expect(result.sii.value).toBe(0)
    expect(result.rii).toBeNull()
    expect(hasNaN(result)).toBe(false)
  })

  test('everyone recovered in one quintile: no interval for a proportion of 1', () => {
    const result = available(
      slopeIndex(
        groups([
          [1, 20, 10],
          [5, 20, 20],
        ]),
        { measure: 'proportion' },
      ),
    )
    // Proportions 0.5 and 1 at relative ranks 0.25 and 0.75: slope 1, fitted 0.25 and 1.25,
    // SII = -1, RII = 0.2.
    expect(result.sii.value).toBeCloseTo(-1, 10)
    expect(result.rii!.value).toBeCloseTo(0.2, 10)
    expect(result.rii!.lower).toBeNull()
    expect(result.caveats).toEqual(['count_at_bound'])
  })

  test('a quintile nobody lives in changes nothing', () => {
    // Its share is 0, so the others keep their relative ranks: same as leaving it out.
    const without = groups([
      [2, 1000, 30],
      [3, 3000, 60],
      [5, 2000, 20],
    ])
    const withEmpty = [{ rank: 1, count: 0, denominator: 0 }, ...without]
    const a = available(slopeIndex(without, { measure: 'rate', repetitions: 5000 }))
    const b = available(slopeIndex(withEmpty, { measure: 'rate', repetitions: 5000 }))
    expect(b.sii).toEqual(a.sii)
    expect(b.points.map((p) => p.rank)).toEqual([2, 3, 5])
  })
})
