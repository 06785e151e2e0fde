// The sentences of the monthly report, generated from its figures by fixed rules (stated on the
// page, in REPORT_RULES): each names its figure and what it is compared with, and says nothing
// the figures do not show. No free text is invented.
import { formatCount, formatList, formatPercent } from '#app/domain/format.ts'
import { FUNNEL_FLAG_LABELS, type FunnelFlag } from '#app/statistics/funnels.ts'
import type { SpcAssurance, SpcValueKind, SpcVariation } from '#app/statistics/spc.ts'
import { formatMonth } from '#app/utils/dates.ts'

/** One headline figure of the report month, judged on its control chart. */
export interface Headline {
  name: string
  label: string
  unit: string
  kind: SpcValueKind
  /** The month's figure: a count, or a fraction for a proportion; null when not reported. */
  value: number | null
  /** Hidden by disclosure control. */
  hidden: boolean
  /** The same month a year earlier, when reported. */
  yearEarlier: number | null
  variation: SpcVariation | null
  /** No limits yet: fewer than 12 months reported in the chart's last segment. */
  tooFewPoints: boolean
  standard: number | null
  assurance: SpcAssurance | null
  /** The months the control chart's limits come from ('November 2024 to October 2026'). */
  chartPeriod: string
}

/** Boards outside a funnel plot's limits for one indicator. */
export interface FunnelOutliers {
  indicator: string
  label: string
  period: string
  outside: Array<{ code: string; name: string; flag: FunnelFlag }>
  /** Boards judged (with figures, not hidden). */
  judged: number
}

export interface ReportCompleteness {
  unitsExpected: number
  unitsReported: number
  expected: number
  submitted: number
  onTime: number
  missing: string[]
}

export interface ReportSentence {
  text: string
  /** The figure it states. */
  figure: string
  /** What the figure is compared with. */
  comparison: string
}

/** The rules, as the report's notes state them. */
export const REPORT_RULES = [
  'Each headline figure is judged on its control chart (the months shown, with the mean and process limits): inside the limits and with no run or trend it is "within the usual range"; otherwise it is higher or lower than usual, and an improvement or a concern when one direction is better.',
  "A figure with a standard says whether its process consistently passes, consistently fails or is hit and miss against the standard, from the control chart's limits.",
  'Each figure is also set beside the same month a year earlier, without a judgement: one month against one month is not a trend.',
  'A board is named when its figure over the 12 months to the report month is outside the 99.8% limits of the funnel plot against Scotland; boards between the 95% and 99.8% limits are counted, not named.',
  'Completeness counts the boards that had submitted their return for the month when the figures were taken, and those that did so by the deadline.',
]

function formatValue(kind: SpcValueKind, value: number) {
  return kind === 'proportion' ? formatPercent(value) : formatCount(value)
}

const VARIATION_PHRASES: Record<SpcVariation, string> = {
  common_cause: 'within the usual range (common cause variation)',
  improvement_high: 'higher than usual, an improvement (special cause variation)',
  improvement_low: 'lower than usual, an improvement (special cause variation)',
  concern_high: 'higher than usual, a concern (special cause variation)',
  concern_low: 'lower than usual, a concern (special cause variation)',
  neutral_high: 'higher than usual (special cause variation)',
  neutral_low: 'lower than usual (special cause variation)',
}

const ASSURANCE_PHRASES: Record<SpcAssurance, string> = {
  consistently_passes: 'the process consistently passes it',
  consistently_fails: 'the process consistently fails it',
  hit_and_miss: 'the process is hit and miss: it will meet it in some months and not in others',
}

/** The sentences of one headline figure: how it compares with its usual range and a year earlier. */
export function headlineSentences(h: Headline, month: string): ReportSentence[] {
  const figure = `${h.label}, ${formatMonth(month)}`
  if (h.hidden) {
    return [
      {
        text: `${h.label} for ${formatMonth(month)} is not shown: it is a small number hidden by disclosure control.`,
        figure,
        comparison: 'none',
      },
    ]
  }
  if (h.value === null) {
    return [{ text: `${h.label}: nothing was reported for ${formatMonth(month)}.`, figure, comparison: 'none' }]
  }
  const value = formatValue(h.kind, h.value)
  const stated = h.kind === 'proportion' ? `${h.label}: ${value}` : `${h.label}: ${value} ${h.unit}`
  const judged = h.tooFewPoints
    ? 'too few months are reported to judge it against a usual range'
    : h.variation
      ? VARIATION_PHRASES[h.variation]
      : 'not judged on its control chart'
  const earlier =
    h.yearEarlier === null
      ? null
      : `${formatValue(h.kind, h.yearEarlier)} in ${formatMonth(yearBefore(month))}, a year earlier`
  const sentences: ReportSentence[] = [
    {
      text: `${stated} in ${formatMonth(month)}, ${judged}${earlier ? `; ${earlier}` : ''}.`,
      figure,
      comparison: `the mean and process limits of ${h.chartPeriod}${earlier ? '; the same month a year earlier' : ''}`,
    },
  ]
  if (h.standard !== null && h.assurance) {
    sentences.push({
      text: `Against the standard of ${formatPercent(h.standard)}, ${ASSURANCE_PHRASES[h.assurance]}.`,
      figure,
      comparison: `the standard (${formatPercent(h.standard)}) and the process limits of ${h.chartPeriod}`,
    })
  }
  return sentences
}

function yearBefore(month: string) {
  const [year, m] = month.split('-')
  return `${Number(year) - 1}-${m}`
}

/** Which boards differ from Scotland by more than chance, indicator by indicator. */
export function funnelSentences(funnels: FunnelOutliers[], board: string | null): ReportSentence[] {
  return funnels.flatMap((f) => {
    const figure = `${f.label}, ${f.period}`
    const comparison = "Scotland's figure, with 95% and 99.8% funnel limits"
    const far = f.outside.filter((o) => o.flag === 'above_998' || o.flag === 'below_998')
    const near = f.outside.filter((o) => o.flag === 'above_95' || o.flag === 'below_95')
    if (board) {
      const own = f.outside.find((o) => o.code === board)
      const where = own
        ? `${own.flag.startsWith('above') ? 'above' : 'below'} Scotland's, outside the ${FUNNEL_FLAG_LABELS[own.flag].replace(/^(above|below) /, '')} limits`
        : "within the limits around Scotland's: no different from Scotland beyond what chance would give"
      return [{ text: `${f.label}, ${f.period}: ${where}.`, figure, comparison }]
    }
    if (far.length === 0) {
      return [
        {
          text: `${f.label}, ${f.period}: no board is outside the 99.8% limits${near.length > 0 ? `; ${near.length} ${near.length === 1 ? 'is' : 'are'} outside the 95% limits only` : ''}.`,
          figure,
          comparison,
        },
      ]
    }
    const side = (flag: FunnelFlag) => far.filter((o) => o.flag === flag).map((o) => o.name)
    const above = side('above_998')
    const below = side('below_998')
    const parts = [
      above.length > 0 ? `${formatList(above)} above Scotland's` : null,
      below.length > 0 ? `${formatList(below)} below Scotland's` : null,
    ].filter(Boolean)
    return [
      {
        text: `${f.label}, ${f.period}: ${parts.join(', and ')}, outside the 99.8% limits.`,
        figure,
        comparison,
      },
    ]
  })
}

/** How many returns were in, and on time. */
export function completenessSentence(c: ReportCompleteness, month: string, board: string | null): ReportSentence {
  const figure = `Returns for ${formatMonth(month)}`
  const comparison = 'the boards expected to return, and the deadline'
  if (board) {
    const text =
      c.submitted === 0
        ? `${board} had not submitted its return for ${formatMonth(month)} when these figures were taken.`
        : `${board} submitted its return for ${formatMonth(month)}${c.onTime === c.submitted ? ' by the deadline' : ' after the deadline'}.`
    return { text, figure, comparison }
  }
  const missing = c.missing.length > 0 ? ` Not yet in: ${formatList(c.missing)}.` : ''
  return {
    text: `${c.unitsReported} of ${c.unitsExpected} boards had submitted their return for ${formatMonth(month)}; ${formatCount(c.onTime)} of ${formatCount(c.expected)} service returns came by the deadline.${missing}`,
    figure,
    comparison,
  }
}
