// Funnel plots for unwarranted variation between boards, by Public Health England's Fingertips
// method. Pure functions: a figure builder hands in each board's numerator and denominator and
// gets back the centre, every board's limits and flag, and the limit curves to draw.
//
// Proportions (18-week performance, completion, recovery, reliable improvement): the centre is
// the pooled proportion P = sum of numerators / sum of denominators. The control limits at
// denominator n are the proportions whose Wilson score interval at z just reaches P, as
// PHEindicatormethods computes them (its `sigma_adjustment`). The Wilson bounds for an observed
// p are the roots q of n (p - q)^2 = z^2 q (1 - q); setting q = P and solving for p gives
//   limits = P -/+ z sqrt(P (1 - P) / n),
// which is what that function's longer closed form reduces to. Limits are kept within 0 and 1.
//
// Rates per 100,000 (referrals): the centre is Scotland's rate R = sum of counts / sum of
// person-years; a board with population N over `years` years expects E = R N years. Its limits
// are the exact Poisson limits around E, from the chi-square distribution:
//   lower = chi2(alpha/2; 2E) / 2,   upper = chi2(1 - alpha/2; 2E + 2) / 2
// as counts, divided by N years and multiplied by 100,000.
//
// A board is flagged against the 99.8% limits first, then the 95% ones, strictly beyond
// (a point on a limit is within it), as PHEindicatormethods' `phe_funnel_significance` does.
import { gammaQuantile } from './distributions.ts'

/** Two-sided 95% and 99.8%: the 0.975 and 0.999 quantiles of the standard normal (1.96 and 3.09). */
export const Z_95 = 1.959963984540054
export const Z_998 = 3.090232306167813

export type FunnelKind = 'proportion' | 'rate'

export type FunnelFlag = 'above_998' | 'above_95' | 'within' | 'below_95' | 'below_998'

export const FUNNEL_FLAGS: readonly FunnelFlag[] = ['above_998', 'above_95', 'within', 'below_95', 'below_998']

export const FUNNEL_FLAG_LABELS: Record<FunnelFlag, string> = {
  above_998: 'above 99.8%',
  above_95: 'above 95%',
  within: 'within',
  below_95: 'below 95%',
  below_998: 'below 99.8%',
}

export const RATE_MULTIPLIER = 100_000

export interface FunnelLimits {
  lower95: number
  upper95: number
  lower998: number
  upper998: number
}

/** Control limits for a proportion around the pooled proportion `centre` at denominator n. */
export function proportionLimits(centre: number, denominator: number): FunnelLimits {
  const limit = (z: number, sign: -1 | 1) =>
    Math.min(1, Math.max(0, centre + sign * z * Math.sqrt((centre * (1 - centre)) / denominator)))
  return {
    lower95: limit(Z_95, -1),
    upper95: limit(Z_95, 1),
    lower998: limit(Z_998, -1),
    upper998: limit(Z_998, 1),
  }
}

/** Exact Poisson control limits, as counts, around an expected count. */
export function poissonCountLimits(expected: number): FunnelLimits {
  const lower = (alpha: number) => (expected > 0 ? gammaQuantile(alpha / 2, expected) : 0)
  const upper = (alpha: number) => gammaQuantile(1 - alpha / 2, expected + 1)
  return { lower95: lower(0.05), upper95: upper(0.05), lower998: lower(0.002), upper998: upper(0.002) }
}

/**
 * Control limits for a rate per 100,000 population around Scotland's rate `centre` (per
 * 100,000 a year) for a population over `years` years.
 */
export function rateLimits(centre: number, population: number, years: number): FunnelLimits {
  const personYears = population * years
  const counts = poissonCountLimits((centre / RATE_MULTIPLIER) * personYears)
  const toRate = (count: number) => (count / personYears) * RATE_MULTIPLIER
  return {
    lower95: toRate(counts.lower95),
    upper95: toRate(counts.upper95),
    lower998: toRate(counts.lower998),
    upper998: toRate(counts.upper998),
  }
}

export function flagOf(value: number, limits: FunnelLimits): FunnelFlag {
  if (value > limits.upper998) return 'above_998'
  if (value < limits.lower998) return 'below_998'
  if (value > limits.upper95) return 'above_95'
  if (value < limits.lower95) return 'below_95'
  return 'within'
}

export interface FunnelInput {
  code: string
  name: string
  /** Count meeting the condition (or the referrals of a rate); null when not available or hidden. */
  numerator: number | null
  /** The proportion's denominator, or the population of a rate; null when not available. */
  denominator: number | null
  /**
   * Built on a count hidden by disclosure control: the point has no value, numerator or flag
   * (its limits are kept, from the denominator). Its counts still count in the pooled centre,
   * Scotland's own figure; which other figures must be hidden is the disclosure control's call.
   */
  hidden?: boolean
}

export interface FunnelPoint extends Partial<FunnelLimits> {
  code: string
  name: string
  numerator: number | null
  denominator: number | null
  /** A fraction for proportions, per 100,000 a year for rates; null without figures. */
  value: number | null
  flag: FunnelFlag | null
  hidden: boolean
}

export interface FunnelOptions {
  kind: FunnelKind
  /** Rates: the length of the period in years (the rate is annualised). Default 1. */
  years?: number
  /**
   * The centre when it is known from more than the points given (Scotland's pooled figure
   * including boards whose figures are hidden); otherwise pooled from the points.
   */
  centre?: number
}

export interface FunnelResult {
  kind: FunnelKind
  years: number
  /** Pooled proportion (a fraction) or Scotland's rate per 100,000 a year; null with no figures. */
  centre: number | null
  points: FunnelPoint[]
}

/** The pooled centre of the boards that have both figures. */
export function pooledCentre(inputs: readonly FunnelInput[], kind: FunnelKind, years = 1): number | null {
  let numerator = 0
  let denominator = 0
  for (const input of inputs) {
    if (input.numerator === null || input.denominator === null || !(input.denominator > 0)) continue
    numerator += input.numerator
    denominator += input.denominator
  }
  if (denominator === 0) return null
  return kind === 'proportion' ? numerator / denominator : (numerator / (denominator * years)) * RATE_MULTIPLIER
}

/** Every board's value, limits and flag on one funnel. */
export function computeFunnel(inputs: readonly FunnelInput[], options: FunnelOptions): FunnelResult {
  const years = options.years ?? 1
  const centre = options.centre ?? pooledCentre(inputs, options.kind, years)
  const points = inputs.map((input): FunnelPoint => {
    const hidden = input.hidden === true
    const base = {
      code: input.code,
      name: input.name,
      numerator: hidden ? null : input.numerator,
      denominator: input.denominator,
      hidden,
    }
    if (centre === null || input.denominator === null || !(input.denominator > 0))
      return { ...base, value: null, flag: null }
    const limits = limitsAt(centre, input.denominator, options.kind, years)
    if (input.numerator === null || hidden) return { ...base, ...limits, value: null, flag: null }
    const value =
      options.kind === 'proportion'
        ? input.numerator / input.denominator
        : (input.numerator / (input.denominator * years)) * RATE_MULTIPLIER
    return { ...base, ...limits, value, flag: flagOf(value, limits) }
  })
  return { kind: options.kind, years, centre, points }
}

export function limitsAt(centre: number, denominator: number, kind: FunnelKind, years = 1): FunnelLimits {
  return kind === 'proportion' ? proportionLimits(centre, denominator) : rateLimits(centre, denominator, years)
}

export interface FunnelCurvePoint extends FunnelLimits {
  denominator: number
}

/**
 * The limit curves to draw, at `steps` denominators spaced evenly on a log scale from `from` to
 * `to` (as PHEindicatormethods' `phe_funnels` spaces its 100), so the funnel is smooth where it
 * bends most.
 */
export function funnelCurve(
  centre: number,
  kind: FunnelKind,
  range: { from: number; to: number; steps?: number; years?: number },
): FunnelCurvePoint[] {
  const steps = Math.max(2, range.steps ?? 100)
  const from = Math.max(1, range.from)
  const to = Math.max(from + 1, range.to)
  const ratio = Math.log(to / from) / (steps - 1)
  return Array.from({ length: steps }, (_, i) => {
    const denominator = i === steps - 1 ? to : from * Math.exp(ratio * i)
    return { denominator, ...limitsAt(centre, denominator, kind, range.years ?? 1) }
  })
}

/** The funnel figure's CSV columns, in DESIGN order. */
export const FUNNEL_CSV_COLUMNS = [
  'board_code',
  'board_name',
  'numerator',
  'denominator',
  'value',
  'centre',
  'lower_95',
  'upper_95',
  'lower_998',
  'upper_998',
  'flag',
] as const

export type FunnelCsvRow = Record<(typeof FUNNEL_CSV_COLUMNS)[number], string | number | null>

/** One row per board with the CSV's columns (figures as numbers, the flag as its words). */
export function funnelRows(result: FunnelResult): FunnelCsvRow[] {
  return result.points.map((p) => ({
    board_code: p.code,
    board_name: p.name,
    numerator: p.numerator,
    denominator: p.denominator,
    value: p.value,
    centre: result.centre,
    lower_95: p.lower95 ?? null,
    upper_95: p.upper95 ?? null,
    lower_998: p.lower998 ?? null,
    upper_998: p.upper998 ?? null,
    flag: p.flag === null ? null : FUNNEL_FLAG_LABELS[p.flag],
  }))
}
