// Funnel limits by PHE's Fingertips method, each checked two ways: against values worked by hand
// in the comments, and against a second computation in the test (bisection on the Wilson score
// bound for proportions; Poisson probabilities summed term by term for rates).
import { describe, expect, test } from 'vitest'
import { chiSquareQuantile, gammaQuantile, logGamma, regularizedGammaP } from '#app/statistics/distributions.ts'
import {
  computeFunnel,
  FUNNEL_CSV_COLUMNS,
  funnelCurve,
  funnelRows,
  poissonCountLimits,
  proportionLimits,
  rateLimits,
  Z_95,
  Z_998,
} from '#app/statistics/funnels.ts'

/** Wilson score interval of an observed proportion p out of n at z. */
function wilson(p: number, n: number, z: number) {
  const centre = 2 * n * p + z * z
  const spread = z * Math.sqrt(z * z + 4 * n * p * (1 - p))
  const divisor = 2 * (n + z * z)
  return { lower: (centre - spread) / divisor, upper: (centre + spread) / divisor }
}

/** Root of an increasing or decreasing f on [low, high] by bisection. */
function bisect(f: (x: number) => number, low: number, high: number): number {
  const rising = f(high) > f(low)
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2
    if (f(mid) > 0 === rising) high = mid
    else low = mid
  }
  return (low + high) / 2
}

/**
 * The control limits of the funnel the second way: the proportion above P whose Wilson lower
 * bound is exactly P, and the one below P whose Wilson upper bound is exactly P.
 */
function wilsonLimits(P: number, n: number, z: number) {
  return {
    lower: bisect((p) => wilson(p, n, z).upper - P, 0, P),
    upper: bisect((p) => wilson(p, n, z).lower - P, P, 1),
  }
}

/** P(X <= k) for X ~ Poisson(lambda), summing the probabilities term by term in logs. */
function poissonCdf(k: number, lambda: number) {
  let logFactorial = 0
  let sum = 0
  for (let x = 0; x <= k; x++) {
    if (x > 0) logFactorial += Math.log(x)
    sum += Math.exp(-lambda + x * Math.log(lambda) - logFactorial)
  }
  return sum
}

/**
 * Exact Poisson limits around an integer count E the second way: the lower is the mean at which
 * seeing E or more has probability alpha/2, the upper the mean at which seeing E or fewer has.
 */
function poissonLimitsBySum(E: number, alpha: number) {
  return {
    lower: bisect((lambda) => 1 - poissonCdf(E - 1, lambda) - alpha / 2, 1e-9, E),
    upper: bisect((lambda) => poissonCdf(E, lambda) - alpha / 2, E, E * 3 + 20),
  }
}

describe('limits for proportions', () => {
  // Pooled proportion P = 0.8, P (1 - P) = 0.16. z = 1.959964 (95%) and 3.090232 (99.8%).
  // n = 50:   sqrt(0.16 / 50) = 0.0565685; 95%: 0.8 -/+ 0.1108724 = 0.689128, 0.910872;
  //           99.8%: 0.8 -/+ 0.1748099 = 0.625190, 0.974810
  // n = 400:  sqrt(0.16 / 400) = 0.02; 95%: 0.8 -/+ 0.0391993 = 0.760801, 0.839199;
  //           99.8%: 0.8 -/+ 0.0618046 = 0.738195, 0.861805
  // n = 2500: sqrt(0.16 / 2500) = 0.008; 95%: 0.8 -/+ 0.0156797 = 0.784320, 0.815680;
  //           99.8%: 0.8 -/+ 0.0247219 = 0.775278, 0.824722
  test.each([
    [50, 0.689128, 0.910872, 0.62519, 0.97481],
    [400, 0.760801, 0.839199, 0.738195, 0.861805],
    [2500, 0.78432, 0.81568, 0.775278, 0.824722],
  ])('n = %d: by hand', (n, lower95, upper95, lower998, upper998) => {
    const limits = proportionLimits(0.8, n)
    expect(limits.lower95).toBeCloseTo(lower95, 6)
    expect(limits.upper95).toBeCloseTo(upper95, 6)
    expect(limits.lower998).toBeCloseTo(lower998, 5)
    expect(limits.upper998).toBeCloseTo(upper998, 5)
  })

  test.each([
    [0.8, 50],
    [0.8, 400],
    [0.8, 2500],
    [0.62, 37],
    [0.915, 12_345],
    [0.5, 7],
  ])('P = %d, n = %d: the proportions whose Wilson interval just reaches P (bisection)', (P, n) => {
    const limits = proportionLimits(P, n)
    const at95 = wilsonLimits(P, n, Z_95)
    const at998 = wilsonLimits(P, n, Z_998)
    expect(limits.lower95).toBeCloseTo(Math.max(0, at95.lower), 9)
    expect(limits.upper95).toBeCloseTo(Math.min(1, at95.upper), 9)
    expect(limits.lower998).toBeCloseTo(Math.max(0, at998.lower), 9)
    expect(limits.upper998).toBeCloseTo(Math.min(1, at998.upper), 9)
  })

  test('z is the normal quantile of 0.975 and 0.999 (1.96 and 3.09 to two places)', () => {
    expect(Z_95.toFixed(2)).toBe('1.96')
    expect(Z_998.toFixed(2)).toBe('3.09')
  })

  test('limits are kept within 0 and 1 for small denominators', () => {
    // n = 5, P = 0.8: 0.8 + 3.090232 x sqrt(0.16 / 5) = 0.8 + 0.5528 > 1
    expect(proportionLimits(0.8, 5).upper998).toBe(1)
  })
})

describe('exact Poisson limits for rates', () => {
  // Garwood's exact limits for a count of 10 at 95%: chi2(0.025; 20) / 2 = 9.59078 / 2 =
  // 4.79539 and chi2(0.975; 22) / 2 = 36.78071 / 2 = 18.39036 (standard chi-square tables).
  test('a count of 10 at 95% matches the chi-square tables', () => {
    const limits = poissonCountLimits(10)
    expect(limits.lower95).toBeCloseTo(4.79539, 4)
    expect(limits.upper95).toBeCloseTo(18.39036, 4)
    expect(chiSquareQuantile(0.025, 20)).toBeCloseTo(9.59078, 4)
    expect(chiSquareQuantile(0.975, 22)).toBeCloseTo(36.78071, 4)
  })

  test.each([1, 10, 100, 1000, 9000])('expected count %d: the Poisson probabilities summed term by term', (E) => {
    const limits = poissonCountLimits(E)
    const at95 = poissonLimitsBySum(E, 0.05)
    const at998 = poissonLimitsBySum(E, 0.002)
    const tolerance = (x: number) => Math.max(1e-7, x * 1e-9)
    expect(Math.abs(limits.lower95 - at95.lower)).toBeLessThan(tolerance(E))
    expect(Math.abs(limits.upper95 - at95.upper)).toBeLessThan(tolerance(E))
    expect(Math.abs(limits.lower998 - at998.lower)).toBeLessThan(tolerance(E))
    expect(Math.abs(limits.upper998 - at998.upper)).toBeLessThan(tolerance(E))
  })

  test('rates per 100,000 a year around Scotland rate, annualised for part years', () => {
    // Scotland 1,000 per 100,000 a year; a board of 10,000 over one year expects 100
    // referrals, and so does a board of 20,000 over half a year: the same limits as counts,
    // divided by 10,000 person-years and multiplied by 100,000 (x 10).
    const counts = poissonLimitsBySum(100, 0.05)
    for (const [population, years] of [
      [10_000, 1],
      [20_000, 0.5],
    ] as const) {
      const limits = rateLimits(1000, population, years)
      expect(limits.lower95).toBeCloseTo(counts.lower * 10, 6)
      expect(limits.upper95).toBeCloseTo(counts.upper * 10, 6)
    }
    // An expected count of 0 has a lower limit of 0.
    expect(poissonCountLimits(0).lower95).toBe(0)
  })

  test('the gamma functions agree with known values', () => {
    // Γ(5) = 24; Γ(0.5) = sqrt(pi); P(1, x) = 1 - e^-x
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12)
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12)
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12)
    expect(gammaQuantile(1 - Math.exp(-2), 1)).toBeCloseTo(2, 10)
  })
})

describe('a funnel of boards', () => {
  // Denominators 400 + 2500 + 50 + 50 = 3000, numerators 350 + 1960 + 40 + 50 = 2400:
  // P = 2400 / 3000 = 0.8 (limits above).
  // A: 350 / 400 = 0.875 > 0.861805: above 99.8%
  // B: 1960 / 2500 = 0.784, between 0.775278 and 0.784320: below 95%
  // C: 40 / 50 = 0.8: within
  // D: 50 / 50 = 1 > 0.974810: above 99.8%
  // E: hidden numerator: limits at its denominator, no value, no flag
  const inputs = [
    { code: 'A', name: 'Board A', numerator: 350, denominator: 400 },
    { code: 'B', name: 'Board B', numerator: 1960, denominator: 2500 },
    { code: 'C', name: 'Board C', numerator: 40, denominator: 50 },
    { code: 'D', name: 'Board D', numerator: 50, denominator: 50 },
    { code: 'E', name: 'Board E', numerator: null, denominator: 400 },
  ]

  test('centre, values and flags', () => {
    const funnel = computeFunnel(inputs, { kind: 'proportion' })
    expect(funnel.centre).toBeCloseTo(0.8, 12)
    expect(funnel.points.map((p) => [p.code, p.value, p.flag])).toEqual([
      ['A', 0.875, 'above_998'],
      ['B', 0.784, 'below_95'],
      ['C', 0.8, 'within'],
      ['D', 1, 'above_998'],
      ['E', null, null],
    ])
    expect(funnel.points[4]!.upper95).toBeCloseTo(0.839199, 6)
  })

  test('a board whose count is hidden has no value, numerator or flag, but keeps its limits', () => {
    const funnel = computeFunnel(
      inputs.map((i) => (i.code === 'B' ? { ...i, hidden: true } : i)),
      { kind: 'proportion' },
    )
    // The centre is still Scotland's: 2400 / 3000 = 0.8.
    expect(funnel.centre).toBeCloseTo(0.8, 12)
    expect(funnel.points[1]).toMatchObject({
      code: 'B',
      numerator: null,
      denominator: 2500,
      value: null,
      flag: null,
      hidden: true,
    })
    expect(funnel.points[1]!.lower95).toBeCloseTo(0.78432, 6)
  })

  test('the CSV rows have the columns DESIGN gives, flags in words', () => {
    const rows = funnelRows(computeFunnel(inputs, { kind: 'proportion' }))
    expect(Object.keys(rows[0]!)).toEqual([...FUNNEL_CSV_COLUMNS])
    expect(rows[1]).toMatchObject({
      board_code: 'B',
      numerator: 1960,
      denominator: 2500,
      value: 0.784,
      flag: 'below 95%',
    })
    expect(rows[0]!.flag).toBe('above 99.8%')
    expect(rows[4]!.flag).toBeNull()
  })

  test('rates: Scotland rate pooled over person-years, every flag', () => {
    // Populations 10,000 each over 1 year, Scotland = 100 + 115 + 100 + 60 + 125 = 500 per
    // 50,000 = 1,000 per 100,000: each board expects 100. Limits as counts: 95% 81.36 to
    // 121.63 (Garwood's tables for 100); 99.8% wider, its lower above 60 and its upper above
    // 125 (checked below by summing the Poisson probabilities). So 115 and 100 are within,
    // 60 below 99.8%, 125 above 95% only.
    const rates = computeFunnel(
      [
        { code: 'A', name: 'A', numerator: 100, denominator: 10_000 },
        { code: 'B', name: 'B', numerator: 115, denominator: 10_000 },
        { code: 'C', name: 'C', numerator: 100, denominator: 10_000 },
        { code: 'D', name: 'D', numerator: 60, denominator: 10_000 },
        { code: 'E', name: 'E', numerator: 125, denominator: 10_000 },
      ],
      { kind: 'rate', years: 1 },
    )
    expect(rates.centre).toBeCloseTo(1000, 9)
    expect(rates.points.map((p) => p.flag)).toEqual(['within', 'within', 'within', 'below_998', 'above_95'])
    const at95 = poissonLimitsBySum(100, 0.05)
    const at998 = poissonLimitsBySum(100, 0.002)
    expect(at95.lower).toBeCloseTo(81.364, 3)
    expect(at95.upper).toBeCloseTo(121.627, 3)
    expect(at998.upper).toBeGreaterThan(125)
    expect(at998.lower).toBeGreaterThan(60)
    expect(rates.points[3]!.lower998).toBeCloseTo(at998.lower * 10, 6)
  })

  test('the curves run from the smallest to the largest denominator, narrowing', () => {
    const curve = funnelCurve(0.8, 'proportion', { from: 50, to: 2500, steps: 20 })
    expect(curve).toHaveLength(20)
    expect(curve[0]!.denominator).toBeCloseTo(50, 9)
    expect(curve[19]!.denominator).toBe(2500)
    // Evenly spaced on a log scale: each step multiplies by (2500 / 50)^(1/19) = 1.22862
    expect(curve[1]!.denominator / curve[0]!.denominator).toBeCloseTo(50 ** (1 / 19), 9)
    expect(curve[0]!.upper95).toBeCloseTo(0.910872, 6)
    expect(curve[19]!.lower998).toBeCloseTo(0.775278, 6)
    for (let i = 1; i < curve.length; i++)
      expect(curve[i]!.upper998 - curve[i]!.lower998).toBeLessThan(curve[i - 1]!.upper998 - curve[i - 1]!.lower998)
  })
})
