// Inequality along an ordered socioeconomic dimension (SIMD quintiles: rank 1 is the most
// deprived, the highest rank the least deprived), by Public Health England's Fingertips method
// as PHEindicatormethods' `phe_sii` implements it. Pure functions: a figure builder hands in each
// category's count and denominator and gets back each category's rate with its 95% interval, the
// gap and ratio between the extremes, and the slope and relative indices of inequality.
//
// Two kinds of figure:
// - a rate: count / population x multiplier (default per 1,000); 95% interval exact Poisson,
//   lower = chi2(0.025; 2O) / 2, upper = chi2(0.975; 2O + 2) / 2 as counts (the same limits the
//   funnels use; Byar's method, which Fingertips uses for rates, approximates these);
// - a proportion: count / denominator (recovered / at caseness) x multiplier (default 1, a
//   fraction, as every figure of the dashboard holds them); 95% interval Wilson score.
//
// Sign convention, the one the dashboard shows: both indices compare the MOST deprived end with
// the LEAST deprived end. The SII is positive when the figure is higher among the most deprived
// (more referrals there: the service reaches them; fewer recoveries there: a negative SII). The
// RII is the most deprived end over the least deprived end, above 1 when higher among the most
// deprived. PHE's `phe_sii` reports the opposite direction (least minus most deprived, least
// over most); ours are its figures with a negative `multiplier` (SII negated, RII inverted).
//
// The slope index (Low & Low 2004, as PHE):
// - categories with a denominator of 0 are left out (they hold no share; the others' ranks are
//   what they would be with it in);
// - each category's share a = denominator / total, and its relative rank b = the midpoint of its
//   range in the cumulative share, most deprived first (0.12 of people in rank 1: b = 0.06).
//   For a proportion the denominators are the people it is of (at caseness), as in PHE's
//   function when given a count and a population;
// - the rates y are regressed on b by least squares weighted by a (PHE fits y sqrt(a) on sqrt(a)
//   and b sqrt(a) with no intercept, which is the same fit). With the weighted mean of b, which
//   is always 1/2, the slope is  beta = sum a (b - 1/2) y / sum a (b - 1/2)^2  and the fitted
//   line passes through (1/2, sum a y);
// - fitted(0) is the rate at the most deprived end, fitted(1) at the least deprived end;
//   SII = fitted(0) - fitted(1) = -beta, RII = fitted(0) / fitted(1).
//
// The 95% intervals are PHE's simulation: each category's rate is drawn from a normal
// distribution on the log scale (rates) or logit scale (proportions), centred on the observed
// value with the standard error implied by its 95% interval, (upper - lower) / (2 x 1.96) on
// that scale; drawn back, the regression is refitted, and the interval is the 2.5th and 97.5th
// percentiles of the `repetitions` simulated indices (PHE's positions round(0.025 n) and
// round(0.975 n) of the sorted draws). PHE documents no analytic alternative, so this is the
// method; the draws come from a seeded generator so a figure is the same on every request.
// A count of 0 (or, for a proportion, a count equal to its denominator) has no log or logit, so
// no interval is simulated then (PHE's function cannot simulate these either); the indices are
// still given. PHE asks for 5 to 100 quantiles; two categories with a population are enough here
// (the line then passes through both), so a board missing a quintile still gets a figure.
//
// Data that do not allow an estimate give a reason, never NaN; options that make no sense
// (repetitions below 1,000, a multiplier that is not positive) are a programming error and throw.
//
// References: PHEindicatormethods, `phe_sii` (UK Health Security Agency, on CRAN); Low A, Low A.
// Measuring the gap: quantifying and comparing local health inequalities. J Public Health 2004;
// 26:388-395.
import { poissonCountLimits, Z_95 } from './funnels.ts'

export type InequalityMeasure = 'rate' | 'proportion'

/** Rates are per 1,000 people unless the caller says otherwise. */
export const RATE_PER_1000 = 1_000

/** PHE's default number of simulated draws for the interval of the SII and RII. */
export const DEFAULT_REPETITIONS = 100_000

/** The seed of the generator behind the simulated intervals: any fixed number gives reproducible figures. */
export const DEFAULT_SEED = 1

export interface RankedGroup {
  /** Position on the dimension: 1 is the most deprived (SIMD quintile 1), a higher rank is less deprived. */
  rank: number
  /** Events (referrals) or people with the outcome (recovered). */
  count: number
  /** Population (a rate) or the people the proportion is of (at caseness). */
  denominator: number
}

export interface InequalityOptions {
  measure: InequalityMeasure
  /** What the rate is per: default 1,000 for rates, 1 (a fraction) for proportions. */
  multiplier?: number
}

export interface Estimate {
  value: number
  lower: number
  upper: number
}

export type InequalityUnavailableReason = 'invalid_input' | 'fewer_than_two_groups'

export interface InequalityUnavailable {
  available: false
  reason: InequalityUnavailableReason
}

export const INEQUALITY_UNAVAILABLE_LABELS: Record<InequalityUnavailableReason, string> = {
  invalid_input: 'The figures by category are not valid counts and denominators.',
  fewer_than_two_groups: 'Fewer than two categories have a population, so there is nothing to compare.',
}

/** The rate of one category with its 95% interval; null when its denominator is 0 or its figures are not valid. */
export function groupRate(group: RankedGroup, options: InequalityOptions): Estimate | null {
  const multiplier = multiplierOf(options)
  if (!isValidGroup(group, options.measure) || group.denominator === 0) return null
  const { count, denominator } = group
  if (options.measure === 'proportion') {
    const { lower, upper } = wilsonInterval(count, denominator)
    return { value: (count / denominator) * multiplier, lower: lower * multiplier, upper: upper * multiplier }
  }
  const limits = poissonCountLimits(count)
  const perUnit = multiplier / denominator
  return { value: count * perUnit, lower: limits.lower95 * perUnit, upper: limits.upper95 * perUnit }
}

/** Wilson score interval of `count` out of `n` at z (default 95%), as fractions. */
export function wilsonInterval(count: number, n: number, z = Z_95): { lower: number; upper: number } {
  if (!(n > 0) || !(count >= 0 && count <= n))
    throw new RangeError(`need 0 <= count <= n and n > 0, got ${count} of ${n}`)
  const p = count / n
  const centre = 2 * count + z * z
  const spread = z * Math.sqrt(z * z + 4 * count * (1 - p))
  const divisor = 2 * (n + z * z)
  return { lower: Math.max(0, (centre - spread) / divisor), upper: Math.min(1, (centre + spread) / divisor) }
}

export interface RateGap {
  available: true
  /** The ranks compared: the most and least deprived categories that have a denominator. */
  mostDeprivedRank: number
  leastDeprivedRank: number
  mostDeprived: Estimate
  leastDeprived: Estimate
  /** Most deprived minus least deprived, in the rate's units. */
  absolute: number
  /** Most deprived over least deprived; null when the least deprived rate is 0. */
  ratio: number | null
}

/**
 * The gap and ratio between the most and least deprived categories that have a denominator
 * (a board with nobody in quintile 1 compares quintile 2; the ranks say which were compared).
 */
export function rateGap(groups: readonly RankedGroup[], options: InequalityOptions): RateGap | InequalityUnavailable {
  const usable = usableGroups(groups, options.measure)
  if (!Array.isArray(usable)) return usable
  const most = usable[0]!
  const least = usable[usable.length - 1]!
  const mostDeprived = groupRate(most, options)!
  const leastDeprived = groupRate(least, options)!
  return {
    available: true,
    mostDeprivedRank: most.rank,
    leastDeprivedRank: least.rank,
    mostDeprived,
    leastDeprived,
    absolute: mostDeprived.value - leastDeprived.value,
    ratio: leastDeprived.value > 0 ? mostDeprived.value / leastDeprived.value : null,
  }
}

/** Each category's share of the total denominator and the midpoint of its cumulative share, in the order given. */
export function relativeRanks(denominators: readonly number[]): Array<{ share: number; relativeRank: number }> {
  const total = denominators.reduce((sum, d) => sum + d, 0)
  if (!(total > 0 && Number.isFinite(total)))
    throw new RangeError(`denominators must add up to more than 0, got ${total}`)
  let before = 0
  return denominators.map((d) => {
    const share = d / total
    const relativeRank = before + share / 2
    before += share
    return { share, relativeRank }
  })
}

export interface SlopeIndexOptions extends InequalityOptions {
  /** Simulated draws for the 95% intervals: default 100,000 (PHE's), at least 1,000 (PHE's minimum). */
  repetitions?: number
  /** Seed of the generator behind the draws. */
  seed?: number
}

/** A figure whose interval may be unavailable (see the result's caveats). */
export interface IndexEstimate {
  value: number
  lower: number | null
  upper: number | null
}

export type SlopeIndexCaveat =
  /** A count of 0 (or equal to its denominator, for a proportion): no interval can be simulated. */
  | 'count_at_bound'
  /** The fitted line reaches 0 or below at the least deprived end: no RII. */
  | 'least_deprived_end_not_positive'
  /** More than 2.5% of the simulated lines reach 0 or below at the least deprived end: no RII interval. */
  | 'rii_interval_unbounded'

export const SLOPE_INDEX_CAVEAT_LABELS: Record<SlopeIndexCaveat, string> = {
  count_at_bound:
    'A category has a count of 0 (or everyone in it has the outcome), so no confidence interval can be given.',
  least_deprived_end_not_positive:
    'The fitted line falls to 0 or below at the least deprived end, so the relative index is not meaningful.',
  rii_interval_unbounded: 'The confidence interval of the relative index has no upper bound.',
}

export interface SlopeIndexPoint extends RankedGroup {
  /** The category's rate (per the multiplier) with its 95% interval. */
  rate: Estimate
  share: number
  relativeRank: number
}

export interface SlopeIndex {
  available: true
  measure: InequalityMeasure
  multiplier: number
  /** The categories used (those with a denominator), most deprived first: the points of the chart. */
  points: SlopeIndexPoint[]
  /** The fitted rate at the most deprived end (relative rank 0) and the least deprived end (1). */
  fittedMostDeprived: number
  fittedLeastDeprived: number
  /** Fitted most deprived minus least deprived: positive when the rate is higher among the most deprived. */
  sii: IndexEstimate
  /** Fitted most deprived over least deprived; null when the least deprived end is 0 or below. */
  rii: IndexEstimate | null
  caveats: SlopeIndexCaveat[]
  repetitions: number
  seed: number
}

/** The slope and relative indices of inequality with their 95% intervals (see the top of this file). */
export function slopeIndex(
  groups: readonly RankedGroup[],
  options: SlopeIndexOptions,
): SlopeIndex | InequalityUnavailable {
  const multiplier = multiplierOf(options)
  const repetitions = options.repetitions ?? DEFAULT_REPETITIONS
  if (!Number.isInteger(repetitions) || repetitions < 1000)
    throw new RangeError(`repetitions must be a whole number of at least 1,000, got ${repetitions}`)
  const seed = options.seed ?? DEFAULT_SEED
  const usable = usableGroups(groups, options.measure)
  if (!Array.isArray(usable)) return usable

  const ranks = relativeRanks(usable.map((g) => g.denominator))
  const points = usable.map((group, i): SlopeIndexPoint => ({
    ...group,
    rate: groupRate(group, options)!,
    ...ranks[i]!,
  }))
  const fit = lineFit(points)
  const values = points.map((p) => p.rate.value)
  const [mostEnd, leastEnd] = fit(values)
  const caveats: SlopeIndexCaveat[] = []
  const riiValue = leastEnd > 0 ? mostEnd / leastEnd : null
  if (riiValue === null) caveats.push('least_deprived_end_not_positive')

  const sii: IndexEstimate = { value: mostEnd - leastEnd, lower: null, upper: null }
  const rii: IndexEstimate | null = riiValue === null ? null : { value: riiValue, lower: null, upper: null }
  const atBound = usable.some((g) => g.count === 0 || (options.measure === 'proportion' && g.count === g.denominator))
  if (atBound) caveats.push('count_at_bound')
  else {
    const simulated = simulateIndices(points, options.measure, multiplier, fit, repetitions, seed)
    sii.lower = simulated.sii.lower
    sii.upper = simulated.sii.upper
    if (rii !== null) {
      if (simulated.rii === null) caveats.push('rii_interval_unbounded')
      else {
        rii.lower = simulated.rii.lower
        rii.upper = simulated.rii.upper
      }
    }
  }
  return {
    available: true,
    measure: options.measure,
    multiplier,
    points,
    fittedMostDeprived: mostEnd,
    fittedLeastDeprived: leastEnd,
    sii,
    rii,
    caveats,
    repetitions,
    seed,
  }
}

function multiplierOf(options: InequalityOptions) {
  const multiplier = options.multiplier ?? (options.measure === 'rate' ? RATE_PER_1000 : 1)
  if (!(multiplier > 0 && Number.isFinite(multiplier)))
    throw new RangeError(`multiplier must be a positive number, got ${multiplier}`)
  return multiplier
}

function isValidGroup(group: RankedGroup, measure: InequalityMeasure) {
  const { rank, count, denominator } = group
  if (!Number.isFinite(rank) || !Number.isFinite(count) || !Number.isFinite(denominator)) return false
  if (count < 0 || denominator < 0) return false
  if (denominator === 0) return count === 0
  return measure === 'rate' || count <= denominator
}

/** The valid categories with a denominator, most deprived first, or why there are not enough. */
function usableGroups(
  groups: readonly RankedGroup[],
  measure: InequalityMeasure,
): RankedGroup[] | InequalityUnavailable {
  if (groups.some((g) => !isValidGroup(g, measure))) return { available: false, reason: 'invalid_input' }
  if (new Set(groups.map((g) => g.rank)).size !== groups.length) return { available: false, reason: 'invalid_input' }
  const usable = groups.filter((g) => g.denominator > 0).sort((x, y) => x.rank - y.rank)
  if (usable.length < 2) return { available: false, reason: 'fewer_than_two_groups' }
  return usable
}

/**
 * The weighted least-squares line of rates on relative rank, as a function from the rates to
 * the fitted [most deprived end, least deprived end]. The design is fixed, so the two ends are
 * fixed linear combinations of the rates: worked out once, applied to every simulated draw.
 */
function lineFit(points: readonly Pick<SlopeIndexPoint, 'share' | 'relativeRank'>[]) {
  // The share-weighted mean of the relative ranks is 1/2 whatever the shares; computed rather
  // than assumed, so rounding in the shares cannot tilt the line.
  const meanRank = points.reduce((sum, p) => sum + p.share * p.relativeRank, 0)
  const spread = points.reduce((sum, p) => sum + p.share * (p.relativeRank - meanRank) ** 2, 0)
  const slopeWeights = points.map((p) => (p.share * (p.relativeRank - meanRank)) / spread)
  // fitted(x) = mean + slope (x - meanRank), with mean = sum share y.
  const mostWeights = points.map((p, i) => p.share - slopeWeights[i]! * meanRank)
  const leastWeights = points.map((p, i) => p.share + slopeWeights[i]! * (1 - meanRank))
  return (values: ArrayLike<number>): [number, number] => {
    let most = 0
    let least = 0
    for (let i = 0; i < mostWeights.length; i++) {
      most += mostWeights[i]! * values[i]!
      least += leastWeights[i]! * values[i]!
    }
    return [most, least]
  }
}

function simulateIndices(
  points: readonly SlopeIndexPoint[],
  measure: InequalityMeasure,
  multiplier: number,
  fit: ReturnType<typeof lineFit>,
  repetitions: number,
  seed: number,
) {
  // Work on the 0-1 scale for proportions (the logit needs it), in the rate's units for rates.
  const scale = measure === 'proportion' ? multiplier : 1
  const toScale = measure === 'proportion' ? logit : Math.log
  const fromScale = measure === 'proportion' ? expit : Math.exp
  const centres = points.map((p) => toScale(p.rate.value / scale))
  const errors = points.map((p) => (toScale(p.rate.upper / scale) - toScale(p.rate.lower / scale)) / (2 * Z_95))
  const normal = standardNormal(seed)
  const draws = new Float64Array(points.length)
  const siis = new Float64Array(repetitions)
  const riis = new Float64Array(repetitions)
  let unbounded = 0
  for (let r = 0; r < repetitions; r++) {
    for (let i = 0; i < draws.length; i++) draws[i] = fromScale(centres[i]! + errors[i]! * normal()) * scale
    const [most, least] = fit(draws)
    siis[r] = most - least
    if (least > 0) riis[r] = most / least
    else {
      riis[r] = Infinity
      unbounded++
    }
  }
  siis.sort()
  riis.sort()
  // PHE's positions, counted from 1: round(n (1 - c) / 2) and round(n (1 + c) / 2).
  const lowerAt = Math.max(1, Math.round(repetitions * 0.025)) - 1
  const upperAt = Math.min(repetitions, Math.round(repetitions * 0.975)) - 1
  const riiBounded = unbounded <= repetitions - 1 - upperAt
  return {
    sii: { lower: siis[lowerAt]!, upper: siis[upperAt]! },
    rii: riiBounded ? { lower: riis[lowerAt]!, upper: riis[upperAt]! } : null,
  }
}

function logit(p: number) {
  return Math.log(p / (1 - p))
}

function expit(x: number) {
  return 1 / (1 + Math.exp(-x))
}

/**
 * Standard normal draws from a seeded generator: mulberry32 for uniforms (32 bits of state,
 * fast, and good enough for a few million draws), Box-Muller for the normals, both of a pair used.
 */
function standardNormal(seed: number) {
  let state = seed >>> 0
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    // In (0, 1): never 0, so the logarithm below is finite.
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296
  }
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const value = spare
      spare = null
      return value
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
}
