// Statistical process control: XmR charts as NHS England's "Making Data Count" draws them.
// Pure functions, no I/O: a figure builder hands in a monthly series and gets back every point's
// mean, limits and type, each segment's working, the latest point's variation and the
// assurance of a standard.
//
// The rules, per series and per rebase segment:
// - baseline: all reported points of the segment, or its first `baselinePoints` when fixed;
// - mean of the baseline values; moving ranges |x(t) - x(t-1)| between consecutive reported
//   baseline points, their mean MR; moving ranges of 3.267 x MR or more are screened out and MR
//   recomputed once from the rest;
// - process limits mean +/- 2.66 x MR; a count's lower limit is floored at 0, a proportion's
//   limits are kept within 0 and 1 (0-100%);
// - special cause, for each point: outside the limits; part of a run of 7 or more on one side
//   of the mean; part of 7 or more consecutively rising or falling points; part of 2 of 3
//   consecutive points beyond two thirds of the way from the mean to a limit, on one side;
// - fewer than 12 reported points in the baseline: the mean is given, no limits are drawn and
//   no point is judged (point type 'not_judged'), and the result says so.
//
// Months not reported (value null) are left out of everything: they have no point type, the
// moving range of the next reported month is taken from the last reported one, and runs and
// trends continue across the gap (a month nobody reported is no evidence of change either
// way). A run is broken by a point exactly on the mean; a trend by two equal values. A month
// whose figure is hidden by disclosure control is treated the same way (point type 'hidden'):
// were it in the mean, the mean and the other months would give it away.
//
// Proportions are fractions (0.9 = 90%), as every figure of the dashboard holds them.

/** Which way is better: up (18-week performance, recovery...), down (waiting), or neither (volumes). */
export type SpcDirection = 'up' | 'down' | 'neutral'
export type SpcValueKind = 'count' | 'proportion'

export type SpcPointType =
  | 'special_cause_improvement'
  | 'special_cause_concern'
  | 'special_cause_neutral'
  | 'common_cause'
  /** Fewer than 12 points in its segment's baseline: no limits, no judgement. */
  | 'not_judged'
  /** The month was not reported (or its denominator was 0). */
  | 'not_reported'
  /** Hidden by disclosure control: left out like a month not reported, so the limits cannot reveal it. */
  | 'hidden'

export const SPC_POINT_TYPES: readonly SpcPointType[] = [
  'special_cause_improvement',
  'special_cause_concern',
  'special_cause_neutral',
  'common_cause',
  'not_judged',
  'not_reported',
  'hidden',
]

/** The words of a point type, for tables, CSV cells and screen readers. */
export const SPC_POINT_TYPE_LABELS: Record<SpcPointType, string> = {
  special_cause_improvement: 'special cause: improvement',
  special_cause_concern: 'special cause: concern',
  special_cause_neutral: 'special cause: neither better nor worse',
  common_cause: 'common cause',
  not_judged: 'not judged (fewer than 12 points)',
  not_reported: 'not reported',
  hidden: 'hidden (disclosure control)',
}

/** Which rules made a point special cause. */
export type SpcRule = 'outside_limits' | 'run' | 'trend' | 'two_of_three'

export const SPC_RULE_LABELS: Record<SpcRule, string> = {
  outside_limits: 'outside the process limits',
  run: 'part of a run of 7 or more on one side of the mean',
  trend: 'part of 7 or more points rising or falling',
  two_of_three: 'part of 2 of 3 points close to a limit',
}

/** The minimum number of reported points in a baseline before limits are drawn. */
export const SPC_MIN_POINTS = 12
export const SPC_RUN_LENGTH = 7
export const SPC_TREND_LENGTH = 7
/** 3 / d2 with d2 = 1.128 for moving ranges of two points. */
export const SPC_LIMIT_FACTOR = 2.66
/** D4 for moving ranges of two: the upper range limit above which a moving range is screened. */
export const SPC_MOVING_RANGE_SCREEN = 3.267

export interface SpcInputPoint {
  /** 'YYYY-MM' (any sortable label works; the series must already be in time order). */
  period: string
  value: number | null
  /** Built on a count hidden by disclosure control: shown as hidden, left out of every calculation. */
  hidden?: boolean
}

export interface SpcRatioInputPoint {
  period: string
  numerator: number | null
  denominator: number | null
  hidden?: boolean
}

export interface SpcOptions {
  kind: SpcValueKind
  direction: SpcDirection
  /**
   * Where new segments start: months ('YYYY-MM') or event dates ('YYYY-MM-DD', see
   * `rebaseMonthOf`), from annotations marked "rebase SPC here".
   */
  rebaseAt?: readonly string[]
  /** Fix the baseline of each segment at its first n reported points (at least 12 to get limits). */
  baselinePoints?: number
  /** A standard to judge assurance against (a fraction for proportions: 0.9 = 90%). */
  target?: number | null
}

export interface SpcPoint {
  period: string
  value: number | null
  /** For proportions built from counts: the month's numerator and denominator. */
  numerator?: number | null
  denominator?: number | null
  /** Index into `segments`. */
  segment: number
  /** True on the first point of a segment that starts at a rebase. */
  rebased: boolean
  mean: number | null
  lowerLimit: number | null
  upperLimit: number | null
  pointType: SpcPointType
  /** Which side of the process a special cause is on (high for a rising trend); null otherwise. */
  side: 'high' | 'low' | null
  rules: SpcRule[]
}

export interface SpcSegment {
  /** First and last period of the segment (reported or not). */
  from: string
  to: string
  /** Starts at a rebase (not the first segment). */
  rebased: boolean
  /** Reported points in the segment and in its baseline. */
  reportedPoints: number
  baselinePoints: number
  mean: number | null
  /** Mean moving range before and after the screen, and the moving ranges screened out. */
  movingRangeMean: number | null
  screenedMovingRangeMean: number | null
  screenedOut: Array<{ period: string; movingRange: number }>
  /** Process limits as drawn (floored or kept within 0-1); null with fewer than 12 points. */
  lowerLimit: number | null
  upperLimit: number | null
  /** Two thirds of the way from the mean to each limit (before flooring), for the 2-of-3 rule. */
  lowerTwoThirds: number | null
  upperTwoThirds: number | null
  hasLimits: boolean
}

/** The variation of one point as Making Data Count's icons show it. */
export type SpcVariation =
  | 'improvement_high'
  | 'improvement_low'
  | 'concern_high'
  | 'concern_low'
  | 'neutral_high'
  | 'neutral_low'
  | 'common_cause'

export type SpcAssurance = 'consistently_passes' | 'consistently_fails' | 'hit_and_miss'

export interface SpcResult {
  kind: SpcValueKind
  direction: SpcDirection
  target: number | null
  points: SpcPoint[]
  segments: SpcSegment[]
  /** The latest reported point's variation; null when nothing is reported or it is not judged. */
  latestVariation: SpcVariation | null
  latestPeriod: string | null
  /** Against `target` with the last segment's limits; null without a target, limits or a direction. */
  assurance: SpcAssurance | null
  /** The last segment has fewer than 12 baseline points, so no limits are drawn. */
  tooFewPoints: boolean
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length
}

/** Moving ranges between consecutive values: |x(t) - x(t-1)|, one fewer than the values. */
export function movingRanges(values: readonly number[]): number[] {
  const ranges: number[] = []
  for (let i = 1; i < values.length; i++) ranges.push(Math.abs(values[i]! - values[i - 1]!))
  return ranges
}

/**
 * The mean moving range after the screen: ranges of 3.267 x the mean or more are left out and
 * the mean recomputed once from the rest. Returns both means and which ranges were left out.
 */
export function screenMovingRanges(ranges: readonly number[]): {
  mean: number | null
  screenedMean: number | null
  screenedOut: number[]
} {
  if (ranges.length === 0) return { mean: null, screenedMean: null, screenedOut: [] }
  const all = mean(ranges)
  // With every range 0 there is nothing to screen (0 >= 3.267 x 0 would drop them all).
  if (all === 0) return { mean: 0, screenedMean: 0, screenedOut: [] }
  const cut = SPC_MOVING_RANGE_SCREEN * all
  const screenedOut = ranges.flatMap((r, i) => (r >= cut ? [i] : []))
  const kept = ranges.filter((r) => r < cut)
  return { mean: all, screenedMean: mean(kept), screenedOut }
}

/** Proportions from monthly counts: numerator / denominator, null when either is missing or the denominator is 0. */
export function proportionSeries(points: readonly SpcRatioInputPoint[]): SpcInputPoint[] {
  return points.map(({ period, numerator, denominator, hidden }) => ({
    period,
    value: numerator === null || denominator === null || denominator <= 0 ? null : numerator / denominator,
    ...(hidden ? { hidden } : {}),
  }))
}

interface Flag {
  rules: Set<SpcRule>
  /** Side from rules that have one relative to the mean (outside, run, 2 of 3). */
  meanSide: 'high' | 'low' | null
  trendSide: 'high' | 'low' | null
}

/** The special-cause rules over one segment's reported points (indices into `values`). */
function flagSegment(
  values: readonly number[],
  centre: number,
  lower: number,
  upper: number,
  lowerTwoThirds: number,
  upperTwoThirds: number,
): Flag[] {
  const flags: Flag[] = values.map(() => ({ rules: new Set(), meanSide: null, trendSide: null }))
  const setMeanSide = (i: number, side: 'high' | 'low') => {
    // Outside limits is set first; a later rule never contradicts it on the same point
    // (a point above the upper limit is above the mean too).
    flags[i]!.meanSide ??= side
  }

  values.forEach((v, i) => {
    if (v > upper) {
      flags[i]!.rules.add('outside_limits')
      setMeanSide(i, 'high')
    } else if (v < lower) {
      flags[i]!.rules.add('outside_limits')
      setMeanSide(i, 'low')
    }
  })

  // 2 of 3 consecutive points beyond two thirds toward the same limit: the points beyond are
  // flagged; the third point may be anywhere.
  for (let start = 0; start + 3 <= values.length; start++) {
    for (const side of ['high', 'low'] as const) {
      const beyond = [start, start + 1, start + 2].filter((i) =>
        side === 'high' ? values[i]! > upperTwoThirds : values[i]! < lowerTwoThirds,
      )
      if (beyond.length >= 2) {
        for (const i of beyond) {
          flags[i]!.rules.add('two_of_three')
          setMeanSide(i, side)
        }
      }
    }
  }

  // Runs of 7 or more on one side of the mean (a point on the mean breaks the run).
  const sideOf = (v: number) => (v > centre ? 1 : v < centre ? -1 : 0)
  let runStart = 0
  for (let i = 1; i <= values.length; i++) {
    const same = i < values.length && sideOf(values[i]!) === sideOf(values[runStart]!) && sideOf(values[i]!) !== 0
    if (same) continue
    const side = sideOf(values[runStart]!)
    if (side !== 0 && i - runStart >= SPC_RUN_LENGTH) {
      for (let j = runStart; j < i; j++) {
        flags[j]!.rules.add('run')
        setMeanSide(j, side > 0 ? 'high' : 'low')
      }
    }
    runStart = i
  }

  // 7 or more points each higher (or each lower) than the one before: a stretch of equal
  // non-zero steps i..j joins points i-1..j.
  const step = (i: number) => Math.sign(values[i]! - values[i - 1]!)
  for (let i = 1; i < values.length;) {
    const direction = step(i)
    if (direction === 0) {
      i++
      continue
    }
    let j = i
    while (j + 1 < values.length && step(j + 1) === direction) j++
    if (j - i + 2 >= SPC_TREND_LENGTH) {
      for (let k = i - 1; k <= j; k++) {
        flags[k]!.rules.add('trend')
        flags[k]!.trendSide = direction > 0 ? 'high' : 'low'
      }
    }
    i = j + 1
  }
  return flags
}

function pointTypeOf(flag: Flag, direction: SpcDirection): { pointType: SpcPointType; side: 'high' | 'low' | null } {
  if (flag.rules.size === 0) return { pointType: 'common_cause', side: null }
  // A point's side comes from the rules that compare it with the mean; a point flagged only by
  // a trend takes the trend's direction (rising = high).
  const side = flag.meanSide ?? flag.trendSide!
  if (direction === 'neutral') return { pointType: 'special_cause_neutral', side }
  const better = direction === 'up' ? 'high' : 'low'
  return { pointType: side === better ? 'special_cause_improvement' : 'special_cause_concern', side }
}

function clampLimit(value: number, kind: SpcValueKind): number {
  if (kind === 'proportion') return Math.min(1, Math.max(0, value))
  return Math.max(0, value)
}

/**
 * The month an event's limits restart from: an event on the 1st of a month rebases from that
 * month; one later in the month from the next, the first whole month under the new process.
 * A month ('YYYY-MM') is taken as it is.
 */
export function rebaseMonthOf(at: string): string {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(at)
  if (!match) throw new RangeError(`Not a month or a date: ${at}`)
  const [, year, month, day] = match
  if (day === undefined || day === '01') return `${year}-${month}`
  const next = Number(year) * 12 + Number(month) // the next month, counted from January of year 0
  return `${Math.floor(next / 12)}-${String((next % 12) + 1).padStart(2, '0')}`
}

/** Segment boundaries: the index of each point that starts a segment (always 0 first). */
function segmentStarts(periods: readonly string[], rebaseAt: readonly string[]): number[] {
  const starts = new Set<number>([0])
  for (const at of rebaseAt) {
    // A rebase on a month missing from the series starts at the next month in it; one on or
    // before the first month changes nothing.
    const month = rebaseMonthOf(at)
    const index = periods.findIndex((p) => p >= month)
    if (index > 0) starts.add(index)
  }
  return [...starts].sort((a, b) => a - b)
}

/** The XmR chart of a series: every point's mean, limits and type, per segment. */
export function computeSpc(series: readonly SpcInputPoint[], options: SpcOptions): SpcResult {
  const { kind, direction } = options
  const target = options.target ?? null
  const periods = series.map((p) => p.period)
  const starts = segmentStarts(periods, options.rebaseAt ?? [])
  const points: SpcPoint[] = []
  const segments: SpcSegment[] = []

  starts.forEach((start, segmentIndex) => {
    const end = segmentIndex + 1 < starts.length ? starts[segmentIndex + 1]! : series.length
    const slice = series.slice(start, end)
    const reported = slice.flatMap((p, i) =>
      p.value === null || p.hidden || !Number.isFinite(p.value) ? [] : [{ index: i, period: p.period, value: p.value }],
    )
    const baseline = options.baselinePoints ? reported.slice(0, options.baselinePoints) : reported
    const values = baseline.map((p) => p.value)
    const centre = values.length > 0 ? mean(values) : null
    const ranges = movingRanges(values)
    const screen = screenMovingRanges(ranges)
    const hasLimits = centre !== null && baseline.length >= SPC_MIN_POINTS && screen.screenedMean !== null
    const spread = hasLimits ? SPC_LIMIT_FACTOR * screen.screenedMean! : null
    const rawLower = spread === null ? null : centre! - spread
    const rawUpper = spread === null ? null : centre! + spread
    const segment: SpcSegment = {
      from: slice[0]?.period ?? '',
      to: slice[slice.length - 1]?.period ?? '',
      rebased: segmentIndex > 0,
      reportedPoints: reported.length,
      baselinePoints: baseline.length,
      mean: centre,
      movingRangeMean: screen.mean,
      screenedMovingRangeMean: screen.screenedMean,
      // Moving range i is between baseline points i and i+1: it belongs to the later month.
      screenedOut: screen.screenedOut.map((i) => ({ period: baseline[i + 1]!.period, movingRange: ranges[i]! })),
      lowerLimit: rawLower === null ? null : clampLimit(rawLower, kind),
      upperLimit: rawUpper === null ? null : clampLimit(rawUpper, kind),
      lowerTwoThirds: spread === null ? null : centre! - (2 / 3) * spread,
      upperTwoThirds: spread === null ? null : centre! + (2 / 3) * spread,
      hasLimits,
    }
    segments.push(segment)

    const flags = hasLimits
      ? flagSegment(
          reported.map((p) => p.value),
          centre!,
          segment.lowerLimit!,
          segment.upperLimit!,
          segment.lowerTwoThirds!,
          segment.upperTwoThirds!,
        )
      : null
    const flagByIndex = new Map(reported.map((p, k) => [p.index, flags?.[k]]))

    slice.forEach((p, i) => {
      const base = {
        period: p.period,
        value: p.value,
        segment: segmentIndex,
        rebased: segmentIndex > 0 && i === 0,
        mean: centre,
        lowerLimit: segment.lowerLimit,
        upperLimit: segment.upperLimit,
      }
      if (!flagByIndex.has(i)) {
        points.push({ ...base, value: null, pointType: p.hidden ? 'hidden' : 'not_reported', side: null, rules: [] })
        return
      }
      const flag = flagByIndex.get(i)
      if (!flag) {
        points.push({ ...base, pointType: 'not_judged', side: null, rules: [] })
        return
      }
      const { pointType, side } = pointTypeOf(flag, direction)
      points.push({ ...base, pointType, side, rules: [...flag.rules].sort() })
    })
  })

  const latest = [...points].reverse().find((p) => p.pointType !== 'not_reported' && p.pointType !== 'hidden') ?? null
  const lastSegment = segments[segments.length - 1] ?? null
  return {
    kind,
    direction,
    target,
    points,
    segments,
    latestVariation: latest ? variationOf(latest) : null,
    latestPeriod: latest?.period ?? null,
    assurance: lastSegment ? assuranceOf(lastSegment, direction, target) : null,
    tooFewPoints: lastSegment ? !lastSegment.hasLimits : true,
  }
}

/** An XmR chart of proportions from monthly numerators and denominators. */
export function computeProportionSpc(
  series: readonly SpcRatioInputPoint[],
  options: Omit<SpcOptions, 'kind'>,
): SpcResult {
  const result = computeSpc(proportionSeries(series), { ...options, kind: 'proportion' })
  return {
    ...result,
    // A hidden month keeps its counts hidden too.
    points: result.points.map((p, i) => ({
      ...p,
      numerator: series[i]!.hidden ? null : series[i]!.numerator,
      denominator: series[i]!.hidden ? null : series[i]!.denominator,
    })),
  }
}

/** The icon of one point's variation; null for a point not judged or not reported. */
export function variationOf(point: Pick<SpcPoint, 'pointType' | 'side'>): SpcVariation | null {
  switch (point.pointType) {
    case 'common_cause':
      return 'common_cause'
    case 'special_cause_improvement':
      return point.side === 'low' ? 'improvement_low' : 'improvement_high'
    case 'special_cause_concern':
      return point.side === 'low' ? 'concern_low' : 'concern_high'
    case 'special_cause_neutral':
      return point.side === 'low' ? 'neutral_low' : 'neutral_high'
    default:
      return null
  }
}

/**
 * Whether the process meets a standard: a standard inside the limits (or on one) is "hit and
 * miss"; beyond them on the good side the process "consistently passes", on the bad side it
 * "consistently fails". Null without limits, without a target or when neither way is better.
 */
export function assuranceOf(
  limits: Pick<SpcSegment, 'lowerLimit' | 'upperLimit' | 'hasLimits'>,
  direction: SpcDirection,
  target: number | null,
): SpcAssurance | null {
  if (!limits.hasLimits || target === null || direction === 'neutral') return null
  const lower = limits.lowerLimit!
  const upper = limits.upperLimit!
  if (target >= lower && target <= upper) return 'hit_and_miss'
  const processAboveTarget = target < lower
  const passes = direction === 'up' ? processAboveTarget : !processAboveTarget
  return passes ? 'consistently_passes' : 'consistently_fails'
}

export const SPC_VARIATION_LABELS: Record<SpcVariation, string> = {
  improvement_high: 'special cause variation: improvement (higher)',
  improvement_low: 'special cause variation: improvement (lower)',
  concern_high: 'special cause variation: concern (higher)',
  concern_low: 'special cause variation: concern (lower)',
  neutral_high: 'special cause variation: higher, neither better nor worse',
  neutral_low: 'special cause variation: lower, neither better nor worse',
  common_cause: 'common cause variation: no significant change',
}

export const SPC_ASSURANCE_LABELS: Record<SpcAssurance, string> = {
  consistently_passes: 'consistently passes the standard',
  consistently_fails: 'consistently fails the standard',
  hit_and_miss: 'hit and miss: will sometimes meet the standard and sometimes not',
}

/** The SPC figure's CSV columns, in DESIGN order. */
export const SPC_CSV_COLUMNS = [
  'period',
  'value',
  'mean',
  'lower_limit',
  'upper_limit',
  'point_type',
  'rebased',
] as const

export type SpcCsvRow = Record<(typeof SPC_CSV_COLUMNS)[number], string | number | null>

/**
 * One row per point with the CSV's columns: figures as numbers (a figure's writer formats a
 * proportion as a percentage), point type as its words, rebased as 'yes' or ''.
 */
export function spcRows(result: SpcResult): SpcCsvRow[] {
  return result.points.map((p) => ({
    period: p.period,
    value: p.value,
    mean: p.mean,
    lower_limit: p.lowerLimit,
    upper_limit: p.upperLimit,
    point_type: SPC_POINT_TYPE_LABELS[p.pointType],
    rebased: p.rebased ? 'yes' : '',
  }))
}

/** Notes a figure prints under an SPC chart: too few points, screened moving ranges, rebases. */
export function spcNotes(result: SpcResult): string[] {
  const notes: string[] = []
  result.segments.forEach((s, i) => {
    const which = result.segments.length > 1 ? ` from ${s.from}` : ''
    if (!s.hasLimits && s.reportedPoints > 0) {
      notes.push(
        `Fewer than ${SPC_MIN_POINTS} months${which} (${s.baselinePoints} reported): no process limits are drawn and no point is judged.`,
      )
    }
    if (s.screenedOut.length > 0) {
      notes.push(
        `${s.screenedOut.length === 1 ? 'One moving range' : `${s.screenedOut.length} moving ranges`}${which} (${s.screenedOut
          .map((m) => m.period)
          .join(
            ', ',
          )}) at least ${SPC_MOVING_RANGE_SCREEN} times the mean moving range ${s.screenedOut.length === 1 ? 'was' : 'were'} left out of the limits.`,
      )
    }
    if (i > 0) notes.push(`The limits are recalculated from ${s.from} (rebased).`)
  })
  if (result.points.some((p) => p.pointType === 'hidden')) {
    notes.push(
      'Months whose figures are hidden by disclosure control are hidden here too, and left out of the mean, the limits and the rules.',
    )
  }
  if (result.points.some((p) => p.pointType === 'not_reported')) {
    notes.push('Months not reported are left out of the mean, the limits and the rules.')
  }
  return notes
}
