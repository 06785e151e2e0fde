// Who the services reach (/equity): one year's rates per 1,000 people by SIMD quintile, age band
// and sex, recovery by quintile, and the gap, ratio and slope and relative indices of inequality
// (DESIGN.md, "Breakdowns (equity)"). The counts come as the breakdowns export publishes them,
// with its qualifiers and disclosure control; nothing is worked out from a suppressed count.
import { SUPPRESSED } from '#app/disclosure/figures.ts'
import { type Cell, type Figure, fileSlug } from '#app/domain/figure.ts'
import { formatCount, formatPercent } from '#app/domain/format.ts'
import type { EquityCell, EquityData, EquityDimension } from '#app/models/equity.server.ts'
import {
  groupRate,
  INEQUALITY_UNAVAILABLE_LABELS,
  RATE_PER_1000,
  rateGap,
  SLOPE_INDEX_CAVEAT_LABELS,
  slopeIndex,
} from '#app/statistics/inequality.ts'

/** More than this share of people in `unknown`, and rates by category are understated enough to say so. */
export const UNKNOWN_WARNING_SHARE = 0.1

export interface EquityPlace {
  /** 'Scotland' or the board's name. */
  name: string
  /** '2025/26' */
  year: string
}

const RATE_DEFINITION = {
  label: 'Rate per 1,000 people',
  definition:
    'The count in the category over the financial year, divided by the number of people living in the board (or Scotland) in that category, times 1,000. People whose category was not recorded are counted in “Not known”, which has no population and no rate.',
}
const INTERVAL_DEFINITION = {
  label: '95% confidence interval',
  definition:
    'The range within which the underlying rate lies with 95% confidence, given chance variation in the count: exact Poisson limits for rates per 1,000 people, Wilson score limits for percentages.',
}

function shown(cell: EquityCell | undefined): Cell {
  if (!cell) return null
  if (cell.qualifier === 'c') return SUPPRESSED
  return cell.value
}

/** The total of every category of a measure, when each is published; null otherwise. */
function totalOf(dimension: EquityDimension, measure: string) {
  const values = dimension.categories.map((c) => c.counts[measure])
  if (values.some((v) => !v || v.value === null)) return null
  return values.reduce((sum, v) => sum + v!.value!, 0)
}

/** What the figures of a dimension say about the people whose category is not known. */
export function unknownShare(dimension: EquityDimension, measure: string) {
  const total = totalOf(dimension, measure)
  const unknown = dimension.categories.find((c) => c.rank === null && c.name === 'unknown')?.counts[measure]?.value
  if (total === null || unknown === undefined || unknown === null || total === 0) return null
  return { unknown, total, share: unknown / total, warning: unknown / total > UNKNOWN_WARNING_SHARE }
}

function completenessNotes(dimension: EquityDimension, measure: string, label: string) {
  const cells = dimension.categories.map((c) => c.counts[measure])
  const notes: string[] = []
  if (cells.some((c) => c?.qualifier === ':'))
    notes.push(
      `Not available (–): ${label.toLowerCase()} by ${dimension.label} were not reported for every month of the year, so the year's figures would be incomplete.`,
    )
  if (cells.some((c) => c?.qualifier === 'p'))
    notes.push('Provisional: some months of the year were not yet approved, and may still change.')
  if (cells.some((c) => c?.qualifier === 'c'))
    notes.push(
      'c: suppressed to protect confidentiality. Counts from 1 to the threshold are not shown, nor counts that would let one be worked out from the totals and other categories; once one category is suppressed, its zeros are too.',
    )
  const unknown = unknownShare(dimension, measure)
  if (unknown?.warning)
    notes.push(
      `${formatPercent(unknown.share)} of ${label.toLowerCase()} (${formatCount(unknown.unknown)} of ${formatCount(unknown.total)}) have no ${dimension.label} recorded: more than 1 in 10, so the rates by category understate the true rates, perhaps unevenly.`,
    )
  else if (unknown)
    notes.push(
      `${formatPercent(unknown.share)} of ${label.toLowerCase()} (${formatCount(unknown.unknown)} of ${formatCount(unknown.total)}) have no ${dimension.label} recorded.`,
    )
  return notes
}

/** A measure's rate per 1,000 people in each category of a dimension, with 95% intervals. */
export function equityRateFigure(
  data: EquityData,
  dimension: EquityDimension,
  measure: { name: string; label: string },
  place: EquityPlace,
): Figure {
  const rows = dimension.categories.map((category) => {
    const count = shown(category.counts[measure.name])
    const estimate =
      typeof count === 'number' && category.population
        ? groupRate({ rank: 1, count, denominator: category.population }, { measure: 'rate' })
        : null
    const rate = count === SUPPRESSED && category.population ? SUPPRESSED : null
    return {
      category: category.label,
      population: category.population,
      count,
      rate: estimate?.value ?? rate,
      lower: estimate?.lower ?? rate,
      upper: estimate?.upper ?? rate,
    }
  })
  const total = totalOf(dimension, measure.name)
  const population = dimension.categories.reduce((sum, c) => sum + (c.population ?? 0), 0)
  const overall = total !== null && population > 0 ? (total / population) * RATE_PER_1000 : null
  const unit = `${measure.label.toLowerCase()} per 1,000 people`
  return {
    id: `equity-${dimension.name}`,
    title: `${measure.label} per 1,000 people by ${dimension.label}, ${place.name}, ${place.year}`,
    description: `${measure.label} in the financial year ${place.year} for every 1,000 people living in ${place.name} in each category, with 95% confidence intervals.${overall !== null ? ` The rate for everyone is ${overall.toFixed(1)} per 1,000.` : ''}`,
    columns: [
      { key: 'category', label: dimension.label.replace(/^./, (c) => c.toUpperCase()), kind: 'text' },
      { key: 'population', label: 'Population', kind: 'count', unit: 'people', disclosure: 'public' },
      { key: 'count', label: measure.label, kind: 'count', unit: 'people', disclosure: 'controlled' },
      { key: 'rate', label: 'Rate', kind: 'rate', unit: 'per 1,000 people', disclosure: 'controlled' },
      { key: 'lower', label: 'Lower 95% limit', kind: 'rate', unit: 'per 1,000 people', disclosure: 'controlled' },
      { key: 'upper', label: 'Upper 95% limit', kind: 'rate', unit: 'per 1,000 people', disclosure: 'controlled' },
    ],
    rows,
    notes: [
      ...boardsNote(dimension, measure.name, measure.label, place),
      ...completenessNotes(dimension, measure.name, measure.label),
      ...populationNotes(data, dimension),
    ],
    definitions: [RATE_DEFINITION, INTERVAL_DEFINITION],
    fileName: fileSlug(`${measure.label} per 1000 by ${dimension.label} ${place.name} ${place.year}`),
    chart: {
      type: 'comparison',
      categoryKey: 'category',
      valueKey: 'rate',
      axisLabel: unit,
      ...(overall !== null ? { reference: { value: overall, label: `Everyone, ${overall.toFixed(1)}` } } : {}),
    },
  }
}

/** Recovery (of people at caseness who finished treatment) by SIMD quintile, with Wilson intervals. */
export function equityRecoveryFigure(data: EquityData, dimension: EquityDimension, place: EquityPlace): Figure {
  const rows = dimension.categories.map((category) => {
    const caseness = shown(category.counts.proms_at_caseness)
    const recovered = shown(category.counts.proms_recovered)
    const estimate =
      typeof caseness === 'number' && typeof recovered === 'number' && caseness > 0
        ? groupRate({ rank: 1, count: recovered, denominator: caseness }, { measure: 'proportion' })
        : null
    const hidden = caseness === SUPPRESSED || recovered === SUPPRESSED ? SUPPRESSED : null
    return {
      category: category.label,
      caseness,
      recovered,
      rate: estimate?.value ?? hidden,
      lower: estimate?.lower ?? hidden,
      upper: estimate?.upper ?? hidden,
    }
  })
  return {
    id: `equity-recovery`,
    title: `Recovery by ${dimension.label}, ${place.name}, ${place.year}`,
    description: `Of the people at caseness who finished treatment in the financial year ${place.year}, the share who recovered, by the ${dimension.label} of where they live, with 95% confidence intervals.`,
    columns: [
      { key: 'category', label: dimension.label.replace(/^./, (c) => c.toUpperCase()), kind: 'text' },
      { key: 'caseness', label: 'At caseness at start', kind: 'count', unit: 'people', disclosure: 'controlled' },
      { key: 'recovered', label: 'Recovered', kind: 'count', unit: 'people', disclosure: 'controlled' },
      { key: 'rate', label: 'Recovery rate', kind: 'percent', unit: '%', disclosure: 'controlled' },
      { key: 'lower', label: 'Lower 95% limit', kind: 'percent', unit: '%', disclosure: 'controlled' },
      { key: 'upper', label: 'Upper 95% limit', kind: 'percent', unit: '%', disclosure: 'controlled' },
    ],
    rows,
    notes: [
      ...boardsNote(dimension, 'proms_recovered', 'People who recovered', place),
      ...completenessNotes(dimension, 'proms_at_caseness', 'People at caseness'),
    ],
    definitions: [
      {
        label: 'Recovery rate',
        definition:
          'People at caseness at the start (PHQ-9 of 10 or more, or GAD-7 of 8 or more) who were below caseness on both measures at the end, over the people at caseness at the start who finished treatment with paired scores. The national standard is 50%.',
      },
      INTERVAL_DEFINITION,
    ],
    fileName: fileSlug(`Recovery by ${dimension.label} ${place.name} ${place.year}`),
    chart: {
      type: 'comparison',
      categoryKey: 'category',
      valueKey: 'rate',
      axisLabel: 'recovery rate',
      reference: { value: 0.5, label: 'Standard, 50%' },
    },
  }
}

/** For Scotland: which boards' years are counted, when not all are. */
function boardsNote(dimension: EquityDimension, measure: string, label: string, place: EquityPlace) {
  const boards = dimension.boards?.[measure]
  if (!boards || boards.left.length === 0) return []
  if (boards.counted.length === 0)
    return [`No board reported ${label.toLowerCase()} by ${dimension.label} for every month of ${place.year}.`]
  return [
    `Scotland here is the ${boards.counted.length} boards that reported ${label.toLowerCase()} by ${dimension.label} for every month of ${place.year}, and whose figures could all be shown, with their populations. Not counted: ${boards.left.join(', ')}.`,
  ]
}

function populationNotes(data: EquityData, dimension: EquityDimension) {
  const sources = data.populationSources[dimension.name]
  return data.populationYear === null || !sources
    ? ['No population estimates by category are loaded, so no rates can be given.']
    : [`Populations: mid-${data.populationYear} estimates (${sources.join('; ')}).`]
}

export interface InequalitySummary {
  available: boolean
  /** Why not, when not available. */
  reason?: string
  gap?: { absolute: number; ratio: number | null; mostRank: number; leastRank: number }
  sii?: { value: number; lower: number | null; upper: number | null }
  rii?: { value: number; lower: number | null; upper: number | null } | null
  caveats?: string[]
}

/**
 * The gap and ratio between the most and least deprived quintiles and the slope and relative
 * indices of inequality (PHE's method), from the quintiles' published counts: none is worked out
 * when a quintile's count is suppressed or not available, since it could give that count away.
 */
export function inequalitySummary(
  dimension: EquityDimension,
  count: string,
  denominator: 'population' | string,
): InequalitySummary {
  const ranked = dimension.categories.filter((c) => c.rank !== null)
  const groups = []
  for (const category of ranked) {
    const value = category.counts[count]
    const base = denominator === 'population' ? category.population : category.counts[denominator]?.value
    const hidden =
      value?.qualifier === 'c' || (denominator !== 'population' && category.counts[denominator]?.qualifier === 'c')
    if (hidden)
      return {
        available: false,
        reason: 'A quintile’s count is suppressed (c), so no gap or index is given: it could give the count away.',
      }
    if (!value || value.value === null || base === null || base === undefined)
      return { available: false, reason: 'A quintile’s figures are not available for the whole year.' }
    groups.push({ rank: category.rank!, count: value.value, denominator: base })
  }
  const options = denominator === 'population' ? { measure: 'rate' as const } : { measure: 'proportion' as const }
  const gap = rateGap(groups, options)
  const index = slopeIndex(groups, options)
  if (!gap.available) return { available: false, reason: INEQUALITY_UNAVAILABLE_LABELS[gap.reason] }
  if (!index.available) return { available: false, reason: INEQUALITY_UNAVAILABLE_LABELS[index.reason] }
  return {
    available: true,
    gap: { absolute: gap.absolute, ratio: gap.ratio, mostRank: gap.mostDeprivedRank, leastRank: gap.leastDeprivedRank },
    sii: index.sii,
    rii: index.rii,
    caveats: index.caveats.map((c) => SLOPE_INDEX_CAVEAT_LABELS[c]),
  }
}
