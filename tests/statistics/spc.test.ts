// XmR charts as DESIGN.md states them. Every expected mean, moving range and limit below is
// worked by hand in the comment beside it, never read back from the code.
import { describe, expect, test } from 'vitest'
import {
  assuranceOf,
  computeProportionSpc,
  computeSpc,
  movingRanges,
  rebaseMonthOf,
  screenMovingRanges,
  type SpcInputPoint,
  spcNotes,
  spcRows,
  variationOf,
} from '#app/statistics/spc.ts'

/** Months from April 2021 for a list of values. */
function monthly(values: Array<number | null>, start = '2021-04'): SpcInputPoint[] {
  const [y, m] = start.split('-').map(Number) as [number, number]
  return values.map((value, i) => {
    const index = y * 12 + (m - 1) + i
    return { period: `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`, value }
  })
}

const types = (result: ReturnType<typeof computeSpc>) => result.points.map((p) => p.pointType)

describe('a point outside the limits', () => {
  // 10, 14 six times, then 30 (13 points).
  // mean = (6 x 10 + 6 x 14 + 30) / 13 = 174 / 13 = 13.384615
  // moving ranges: eleven of |14 - 10| = 4, then |30 - 14| = 16; MR = (44 + 16) / 12 = 5
  // screen: 3.267 x 5 = 16.335 > 16, so nothing is left out
  // limits: 13.384615 -/+ 2.66 x 5 = 13.3 -> 0.084615 and 26.684615
  // two thirds: 13.384615 -/+ 8.866667 -> 4.517949 and 22.251282
  // 30 > 26.684615: outside. Every other point alternates about the mean (no run), no trend
  // longer than 3 (10, 14, 30), and no other point is beyond two thirds.
  const values = [10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 30]

  test('mean, moving range and limits', () => {
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'up' })
    const [segment] = result.segments
    expect(segment!.mean).toBeCloseTo(13.384615, 5)
    expect(segment!.movingRangeMean).toBeCloseTo(5, 10)
    expect(segment!.screenedMovingRangeMean).toBeCloseTo(5, 10)
    expect(segment!.screenedOut).toEqual([])
    expect(segment!.lowerLimit).toBeCloseTo(0.084615, 5)
    expect(segment!.upperLimit).toBeCloseTo(26.684615, 5)
    expect(segment!.upperTwoThirds).toBeCloseTo(22.251282, 5)
  })

  test('only the last point is special cause, high: improvement when up is better, concern when down is', () => {
    const up = computeSpc(monthly(values), { kind: 'count', direction: 'up' })
    expect(types(up)).toEqual([...Array(12).fill('common_cause'), 'special_cause_improvement'])
    expect(up.points[12]!.rules).toEqual(['outside_limits'])
    expect(up.points[12]!.side).toBe('high')
    expect(up.latestVariation).toBe('improvement_high')
    expect(up.latestPeriod).toBe('2022-04')

    const down = computeSpc(monthly(values), { kind: 'count', direction: 'down' })
    expect(down.points[12]!.pointType).toBe('special_cause_concern')
    expect(down.latestVariation).toBe('concern_high')

    const neutral = computeSpc(monthly(values), { kind: 'count', direction: 'neutral' })
    expect(neutral.points[12]!.pointType).toBe('special_cause_neutral')
    expect(neutral.latestVariation).toBe('neutral_high')
  })

  test('a month not reported is left out: same mean and limits, the moving range bridges the gap', () => {
    // Insert null after the sixth value: the reported values and their order are unchanged, so
    // the moving ranges (|14 - 10| across the gap) and limits are those above.
    const withGap = [...values.slice(0, 6), null, ...values.slice(6)]
    const result = computeSpc(monthly(withGap), { kind: 'count', direction: 'up' })
    expect(result.points[6]!.pointType).toBe('not_reported')
    expect(result.points[6]!.value).toBeNull()
    expect(result.segments[0]!.reportedPoints).toBe(13)
    expect(result.segments[0]!.mean).toBeCloseTo(13.384615, 5)
    expect(result.segments[0]!.upperLimit).toBeCloseTo(26.684615, 5)
    expect(result.points[13]!.pointType).toBe('special_cause_improvement')
    expect(spcNotes(result)).toContain('Months not reported are left out of the mean, the limits and the rules.')
  })

  test('a month hidden by disclosure control is hidden and left out, so the limits cannot give it away', () => {
    // Hide the sixth month (14): the other 13 values and their order give the mean and limits of
    // the series without it: (174 - 14) / 12 = 13.333333; moving ranges: 4 x 4, then |10 - 10|
    // = 0 across the gap, 5 x 4, |30 - 14| = 16 -> (16 + 0 + 20 + 16) / 11 = 52 / 11 = 4.727273.
    const series = monthly(values).map((p, i) => (i === 5 ? { ...p, hidden: true } : p))
    const result = computeSpc(series, { kind: 'count', direction: 'up' })
    expect(result.points[5]).toMatchObject({ value: null, pointType: 'hidden' })
    expect(result.segments[0]!.mean).toBeCloseTo(13.333333, 5)
    expect(result.segments[0]!.movingRangeMean).toBeCloseTo(4.727273, 5)
    expect(spcRows(result)[5]).toMatchObject({ value: null, point_type: 'hidden (disclosure control)' })
    expect(spcNotes(result).join(' ')).toContain('hidden by disclosure control are hidden here too')
  })

  test('the CSV columns come straight from the points', () => {
    const rows = spcRows(computeSpc(monthly(values), { kind: 'count', direction: 'up' }))
    expect(Object.keys(rows[0]!)).toEqual([
      'period',
      'value',
      'mean',
      'lower_limit',
      'upper_limit',
      'point_type',
      'rebased',
    ])
    expect(rows[12]).toMatchObject({
      period: '2022-04',
      value: 30,
      point_type: 'special cause: improvement',
      rebased: '',
    })
    expect(rows[0]!.point_type).toBe('common cause')
  })
})

describe('the moving-range screen', () => {
  // 90, 110 six times, then 200 (13 points).
  // mean = (6 x 90 + 6 x 110 + 200) / 13 = 1400 / 13 = 107.692308
  // moving ranges: eleven of 20, then |200 - 110| = 90; MR = (220 + 90) / 12 = 25.833333
  // screen: 3.267 x 25.833333 = 84.3975 <= 90, so 90 is left out; MR = 220 / 11 = 20
  // limits: 107.692308 -/+ 2.66 x 20 = 53.2 -> 54.492308 and 160.892308
  // (unscreened they would be 107.692308 -/+ 68.716667 -> 38.975641 and 176.408974)
  const values = [90, 110, 90, 110, 90, 110, 90, 110, 90, 110, 90, 110, 200]

  test('leaves out the large moving range and recomputes MR', () => {
    expect(movingRanges([90, 110, 200])).toEqual([20, 90])
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'neutral' })
    const [segment] = result.segments
    expect(segment!.movingRangeMean).toBeCloseTo(25.833333, 5)
    expect(segment!.screenedMovingRangeMean).toBeCloseTo(20, 10)
    expect(segment!.screenedOut).toEqual([{ period: '2022-04', movingRange: 90 }])
    expect(segment!.lowerLimit).toBeCloseTo(54.492308, 5)
    expect(segment!.upperLimit).toBeCloseTo(160.892308, 5)
    expect(result.points[12]!.pointType).toBe('special_cause_neutral')
    expect(spcNotes(result).join(' ')).toContain(
      'One moving range (2022-04) at least 3.267 times the mean moving range was left out',
    )
  })

  test('a range exactly at 3.267 x MR is left out; all-equal ranges are kept', () => {
    // ranges 1, 1, 1, 9.801: MR = 12.801 / 4 = 3.20025; 3.267 x 3.20025 = 10.455 > 9.801: kept.
    expect(screenMovingRanges([1, 1, 1, 9.801]).screenedOut).toEqual([])
    // ranges 1 x 10 and 23.7: MR = 33.7 / 11 = 3.063636; x 3.267 = 10.0089 <= 23.7: left out,
    // MR = 10 / 10 = 1.
    const screened = screenMovingRanges([...Array(10).fill(1), 23.7])
    expect(screened.screenedOut).toEqual([10])
    expect(screened.screenedMean).toBeCloseTo(1, 10)
    expect(screenMovingRanges([0, 0, 0])).toEqual({ mean: 0, screenedMean: 0, screenedOut: [] })
  })
})

describe('a run of 7 on one side of the mean', () => {
  // 8, 12, 8, 12, 8, then 11 seven times (12 points).
  // mean = (3 x 8 + 2 x 12 + 7 x 11) / 12 = 125 / 12 = 10.416667
  // moving ranges: 4, 4, 4, 4, |11 - 8| = 3, then six 0s; MR = 19 / 11 = 1.727273
  // limits: 10.416667 -/+ 4.594545 -> 5.822121 and 15.011212;
  // two thirds: -/+ 3.063030 -> 7.353636 and 13.479697 (no point beyond: 8 and 12 are inside)
  // The seven 11s are above the mean: a run of 7. Equal values are no trend.
  const values = [8, 12, 8, 12, 8, 11, 11, 11, 11, 11, 11, 11]

  test('flags the seven points, on the high side', () => {
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'down' })
    expect(result.segments[0]!.mean).toBeCloseTo(10.416667, 5)
    expect(result.segments[0]!.upperLimit).toBeCloseTo(15.011212, 5)
    expect(types(result)).toEqual([...Array(5).fill('common_cause'), ...Array(7).fill('special_cause_concern')])
    expect(result.points.slice(5).every((p) => p.side === 'high' && p.rules.join() === 'run')).toBe(true)
  })

  test('six are not enough', () => {
    // 8, 12, 8, 12, 8, 8, then 11 six times: mean = (4 x 8 + 2 x 12 + 6 x 11) / 12 = 122 / 12
    // = 10.166667; moving ranges 4, 4, 4, 4, 0, 3, 0 x 5: MR = 19 / 11 = 1.727273; limits
    // 5.572121 and 14.761212; two thirds 7.103636 and 13.229697: nothing flagged.
    const result = computeSpc(monthly([8, 12, 8, 12, 8, 8, 11, 11, 11, 11, 11, 11]), {
      kind: 'count',
      direction: 'down',
    })
    expect(result.segments[0]!.mean).toBeCloseTo(10.166667, 5)
    expect(types(result)).toEqual(Array(12).fill('common_cause'))
  })
})

describe('a trend of 7', () => {
  // 10, 14, 10, 14, 10, then 9, 10, 11, 12, 13, 14, 15 (12 points).
  // mean = (10 + 14 + 10 + 14 + 10 + 84) / 12 = 142 / 12 = 11.833333
  // moving ranges: 4, 4, 4, 4, 1, then six 1s; MR = 23 / 11 = 2.090909
  // limits: 11.833333 -/+ 5.561818 -> 6.271515 and 17.395152;
  // two thirds: -/+ 3.707879 -> 8.125455 and 15.541212 (9 and 15 are inside)
  // Sides: 10 14 10 14 10 9 10 11 | 12 13 14 15: at most 4 in a row on one side.
  // 9 .. 15 rise seven times in a row (14 -> 10 -> 9 falls only three points).
  const values = [10, 14, 10, 14, 10, 9, 10, 11, 12, 13, 14, 15]

  test('flags the seven rising points as a high special cause', () => {
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'up' })
    expect(result.segments[0]!.mean).toBeCloseTo(11.833333, 5)
    expect(result.segments[0]!.lowerLimit).toBeCloseTo(6.271515, 5)
    expect(types(result)).toEqual([...Array(5).fill('common_cause'), ...Array(7).fill('special_cause_improvement')])
    // The trend starts below the mean and is still "high": it is rising.
    expect(result.points[5]!.rules).toEqual(['trend'])
    expect(result.points[5]!.side).toBe('high')
  })

  test('falling: the mirror image is a low special cause', () => {
    // 30 - x of the series above: mean 30 - 11.833333, the same moving ranges and limits
    // mirrored; 21, 20, ..., 15 fall seven times in a row.
    const result = computeSpc(monthly(values.map((v) => 30 - v)), { kind: 'count', direction: 'up' })
    expect(types(result)).toEqual([...Array(5).fill('common_cause'), ...Array(7).fill('special_cause_concern')])
    expect(result.latestVariation).toBe('concern_low')
  })
})

describe('2 of 3 beyond two thirds of the way to a limit', () => {
  // 10, 16 five times, then 26, 26 (12 points).
  // mean = (5 x 26 + 52) / 12 = 182 / 12 = 15.166667
  // moving ranges: nine of 6, then |26 - 16| = 10, |26 - 26| = 0; MR = 64 / 11 = 5.818182
  // limits: 15.166667 -/+ 15.476364 -> -0.309697 floored to 0, and 30.643030
  // two thirds: -/+ 10.317576 -> 4.849091 and 25.484242
  // 26 > 25.484242 twice in the window (16, 26, 26); 26 < 30.643030, so not outside; the last
  // three points are the only ones in a row above the mean; 10, 16, 26 rise for 3 points only.
  const values = [10, 16, 10, 16, 10, 16, 10, 16, 10, 16, 26, 26]

  test('flags the two points beyond, not the third', () => {
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'up' })
    const [segment] = result.segments
    expect(segment!.lowerLimit).toBe(0)
    expect(segment!.upperLimit).toBeCloseTo(30.64303, 5)
    expect(segment!.upperTwoThirds).toBeCloseTo(25.484242, 5)
    expect(types(result)).toEqual([
      ...Array(10).fill('common_cause'),
      'special_cause_improvement',
      'special_cause_improvement',
    ])
    expect(result.points[10]!.rules).toEqual(['two_of_three'])
  })

  test('one point beyond two thirds alone is common cause', () => {
    // 10, 16 five times, 26, 16: mean = (130 + 42) / 12 = 14.333333; MRs nine 6s, 10, 10:
    // MR = 74 / 11 = 6.727273; two thirds up = 14.333333 + 11.929697 = 26.263030 > 26.
    const result = computeSpc(monthly([10, 16, 10, 16, 10, 16, 10, 16, 10, 16, 26, 16]), {
      kind: 'count',
      direction: 'up',
    })
    expect(types(result)).toEqual(Array(12).fill('common_cause'))
  })
})

describe('rebasing', () => {
  // 10, 14 six times, then 30, 34 six times (24 points), rebased at the 13th month.
  // first segment: mean 12, MR = 11 x 4 / 11 = 4, limits 12 -/+ 10.64 -> 1.36 and 22.64
  // second segment: mean 32, MR 4, limits 21.36 and 42.64; both alternate about their mean.
  // Without the rebase: mean 22; moving ranges 22 x 4 and |30 - 14| = 16: MR = 104 / 23 =
  // 4.521739, 3.267 x MR = 14.772 <= 16 so screened, MR = 4; limits 11.36 and 32.64; the
  // first 12 points are all below 22: a run, special cause low.
  const values = [...Array(6).fill([10, 14]).flat(), ...Array(6).fill([30, 34]).flat()] as number[]
  const series = monthly(values)

  test('each segment has its own mean and limits, and the first point of a new one says rebased', () => {
    const result = computeSpc(series, { kind: 'count', direction: 'up', rebaseAt: ['2022-04'] })
    expect(result.segments).toHaveLength(2)
    expect(result.segments.map((s) => [s.from, s.to, s.mean, s.lowerLimit, s.upperLimit])).toEqual([
      ['2021-04', '2022-03', 12, expect.closeTo(1.36, 10), expect.closeTo(22.64, 10)],
      ['2022-04', '2023-03', 32, expect.closeTo(21.36, 10), expect.closeTo(42.64, 10)],
    ])
    expect(types(result)).toEqual(Array(24).fill('common_cause'))
    expect(result.points.map((p) => p.rebased).indexOf(true)).toBe(12)
    expect(result.points.filter((p) => p.rebased)).toHaveLength(1)
    expect(spcRows(result)[12]!.rebased).toBe('yes')
    expect(spcNotes(result)).toContain('The limits are recalculated from 2022-04 (rebased).')
  })

  test('without the rebase the step change is a run', () => {
    const result = computeSpc(series, { kind: 'count', direction: 'up' })
    expect(result.segments[0]!.mean).toBe(22)
    expect(result.segments[0]!.screenedMovingRangeMean).toBeCloseTo(4, 10)
    expect(result.segments[0]!.lowerLimit).toBeCloseTo(11.36, 10)
    expect(result.points[0]!.pointType).toBe('special_cause_concern')
    expect(result.points[23]!.pointType).toBe('special_cause_improvement')
  })

  test('an event during a month rebases from the next; one on the 1st from its own month; one on the first month changes nothing', () => {
    expect(rebaseMonthOf('2022-03-15')).toBe('2022-04')
    expect(rebaseMonthOf('2022-12-02')).toBe('2023-01')
    expect(rebaseMonthOf('2022-04-01')).toBe('2022-04')
    expect(computeSpc(series, { kind: 'count', direction: 'up', rebaseAt: ['2022-03-15'] }).segments[1]!.from).toBe(
      '2022-04',
    )
    expect(computeSpc(series, { kind: 'count', direction: 'up', rebaseAt: ['2022-04-01'] }).segments[1]!.from).toBe(
      '2022-04',
    )
    expect(computeSpc(series, { kind: 'count', direction: 'up', rebaseAt: ['2021-04'] }).segments).toHaveLength(1)
  })
})

describe('fewer than 12 points', () => {
  test('gives the mean but no limits and judges no point', () => {
    // 11 points 10, 14, ...: mean = (6 x 10 + 5 x 14) / 11 = 130 / 11 = 11.818182
    const result = computeSpc(monthly([10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10]), {
      kind: 'count',
      direction: 'up',
      target: 5,
    })
    expect(result.tooFewPoints).toBe(true)
    expect(result.segments[0]!.mean).toBeCloseTo(11.818182, 5)
    expect(result.segments[0]!.hasLimits).toBe(false)
    expect(result.points.every((p) => p.lowerLimit === null && p.upperLimit === null)).toBe(true)
    expect(types(result)).toEqual(Array(11).fill('not_judged'))
    expect(result.latestVariation).toBeNull()
    expect(result.assurance).toBeNull()
    expect(spcNotes(result)[0]).toBe(
      'Fewer than 12 months (11 reported): no process limits are drawn and no point is judged.',
    )
  })

  test('a rebase that leaves fewer than 12 points in the last segment draws no limits there', () => {
    const values = [...Array(7).fill([10, 14]).flat(), 20, 20, 20] as number[] // 14 + 3 points
    const result = computeSpc(monthly(values), { kind: 'count', direction: 'up', rebaseAt: ['2022-06'] })
    expect(result.segments.map((s) => s.hasLimits)).toEqual([true, false])
    expect(result.tooFewPoints).toBe(true)
    expect(result.points.slice(14).map((p) => p.pointType)).toEqual(['not_judged', 'not_judged', 'not_judged'])
  })

  test('a fixed baseline of the first 12 points sets the limits for the points after it', () => {
    // baseline 10, 14 six times: mean 12, MR 4, limits 1.36 and 22.64; the 13th point 23 is
    // outside them although a baseline of all 13 points would hold it (mean 167/13 = 12.846,
    // MRs eleven 4s and 9: MR = 53/12 = 4.4167, upper limit 12.846 + 11.748 = 24.59).
    const values = [...Array(6).fill([10, 14]).flat(), 23] as number[]
    const fixed = computeSpc(monthly(values), { kind: 'count', direction: 'up', baselinePoints: 12 })
    expect(fixed.segments[0]!.mean).toBe(12)
    expect(fixed.segments[0]!.upperLimit).toBeCloseTo(22.64, 10)
    expect(fixed.points[12]!.pointType).toBe('special_cause_improvement')
    const all = computeSpc(monthly(values), { kind: 'count', direction: 'up' })
    expect(all.segments[0]!.upperLimit).toBeCloseTo(24.594487, 5)
    expect(all.points[12]!.pointType).toBe('common_cause')
  })
})

describe('percentages from monthly numerators and denominators', () => {
  // 49/50 and 50/50 six times: proportions 0.98 and 1; mean 0.99; MR = 0.02;
  // limits 0.99 -/+ 0.0532 -> 0.9368 and 1.0432, kept at 1.
  const months = monthly(Array(12).fill(0)).map((m, i) => ({
    period: m.period,
    numerator: i % 2 === 0 ? 49 : 50,
    denominator: 50,
  }))

  test('limits stay within 0-100%', () => {
    const result = computeProportionSpc(months, { direction: 'up', target: 0.9 })
    expect(result.kind).toBe('proportion')
    expect(result.segments[0]!.mean).toBeCloseTo(0.99, 10)
    expect(result.segments[0]!.lowerLimit).toBeCloseTo(0.9368, 10)
    expect(result.segments[0]!.upperLimit).toBe(1)
    expect(result.points[0]).toMatchObject({ numerator: 49, denominator: 50, value: 0.98 })
  })

  test('a hidden month keeps its numerator and denominator hidden too', () => {
    const withHidden = months.map((m, i) => (i === 3 ? { ...m, hidden: true } : m))
    const result = computeProportionSpc(withHidden, { direction: 'up' })
    expect(result.points[3]).toMatchObject({ value: null, numerator: null, denominator: null, pointType: 'hidden' })
    expect(result.points[2]).toMatchObject({ numerator: 49, denominator: 50 })
  })

  test('a month with no denominator is not reported, not 0%', () => {
    const withEmpty = [...months, { period: '2022-04', numerator: 0, denominator: 0 }]
    const result = computeProportionSpc(withEmpty, { direction: 'up' })
    expect(result.points[12]).toMatchObject({ value: null, pointType: 'not_reported', numerator: 0, denominator: 0 })
    expect(result.latestPeriod).toBe('2022-03')
  })

  test('the assurance of a standard', () => {
    // limits 0.9368 to 1: a 90% standard is below the lower limit.
    expect(computeProportionSpc(months, { direction: 'up', target: 0.9 }).assurance).toBe('consistently_passes')
    expect(computeProportionSpc(months, { direction: 'up', target: 0.95 }).assurance).toBe('hit_and_miss')
    expect(computeProportionSpc(months, { direction: 'up', target: 1 }).assurance).toBe('hit_and_miss')
    expect(computeProportionSpc(months, { direction: 'down', target: 0.9 }).assurance).toBe('consistently_fails')
    expect(computeProportionSpc(months, { direction: 'neutral', target: 0.9 }).assurance).toBeNull()
    expect(computeProportionSpc(months, { direction: 'up' }).assurance).toBeNull()
  })
})

describe('assurance and variation helpers', () => {
  const limits = { lowerLimit: 40, upperLimit: 60, hasLimits: true }
  test.each([
    ['up', 30, 'consistently_passes'],
    ['up', 70, 'consistently_fails'],
    ['up', 40, 'hit_and_miss'],
    ['down', 70, 'consistently_passes'],
    ['down', 30, 'consistently_fails'],
    ['down', 50, 'hit_and_miss'],
  ] as const)('direction %s, target %d: %s', (direction, target, expected) => {
    expect(assuranceOf(limits, direction, target)).toBe(expected)
  })

  test('variation icons by type and side', () => {
    expect(variationOf({ pointType: 'special_cause_improvement', side: 'low' })).toBe('improvement_low')
    expect(variationOf({ pointType: 'special_cause_concern', side: 'high' })).toBe('concern_high')
    expect(variationOf({ pointType: 'common_cause', side: null })).toBe('common_cause')
    expect(variationOf({ pointType: 'not_judged', side: null })).toBeNull()
  })
})
