// What every export says about itself (docs/decisions/0011-export-metadata.md): where the
// figures come from, when they were extracted and which moment they show, the filters, what each
// column, measure, indicator and qualifier means, and the disclosure-control rule. JSON carries
// it as its leading object, XLSX as its Metadata sheet, CSV through a `describedby` link.
import { QUALIFIERS } from '#app/disclosure/activity-table.ts'
import { formatDateTime } from '#app/utils/dates.ts'
import { type ExportFormat, type Layout } from './parameters.ts'
import { type RateIndicator, describeIndicator, type IndicatorDescription } from '#app/statistics/indicators.ts'
import { GRAIN_LABELS, type Grain, type Period } from '#app/domain/periods.ts'

export const EXPORT_SOURCE =
  'Digital Therapies Programme Dashboard: the monthly returns each board submits for the national digital therapy services.'

export interface ActivityMetadata {
  title: string
  source: string
  /** When this export was produced (ISO 8601). */
  extractedAt: string
  /** The moment whose figures it shows (ISO 8601): asAt, or the moment of extraction. */
  asAt: string
  asAtDescription: string
  /** The same export, with every parameter explicit and the moment fixed: run it again for the same figures. */
  request: string
  filters: {
    from: string
    to: string
    grain: Grain
    layout: Layout
    format: ExportFormat
    sdc: 'on' | 'off'
    boards: { code: string; name: string }[]
    services: { slug: string; name: string }[]
    measures: string[]
  }
  periods: { period: string; label: string; financialYear: string; firstMonth: string; lastMonth: string }[]
  columns: { name: string; description: string }[]
  measures: { name: string; label: string; unit: string; definition: string }[]
  indicators: (IndicatorDescription & { unit: string })[]
  qualifiers: { code: string; name: string; meaning: string }[]
  disclosureControl: { applied: boolean; threshold: number; rule: string }
  completeness: string
  /** Board-months of the period whose return had not been submitted at the moment read. */
  returnsNotReceived: { board_code: string; board_name: string; month: string }[]
  notes: string[]
  /** The dimension figures are split by (`breakdown=`), with its categories; null for totals. */
  breakdown: { dimension: string; label: string; categories: { category: string; label: string }[] } | null
}

export interface MetadataInput {
  extractedAt: Date
  asAt: Date
  asAtRequested: boolean
  request: string
  from: string
  to: string
  grain: Grain
  layout: Layout
  format: ExportFormat
  sdc: boolean
  threshold: number
  boards: { code: string; name: string }[]
  services: { slug: string; name: string }[]
  measures: { name: string; label: string; unit: string; description: string }[]
  indicators: RateIndicator[]
  periods: Period[]
  returnsNotReceived: { board_code: string; board_name: string; month: string }[]
  notes: string[]
  /** The dimension figures are split by, or null. */
  breakdown?: { name: string; label: string; categories: { name: string; label: string }[] } | null
}

export const LONG_COLUMN_DESCRIPTIONS: Record<string, string> = {
  period:
    'The period of the figure: a month (2025-04), a financial quarter (Q1 2025/26) or a financial year (2025/26). See periods for each in words.',
  financial_year: 'The financial year (April to March) the period falls in, e.g. 2025/26.',
  board_code:
    'GSS code of the board; S92000003 is Scotland: the total of the boards, or the figure of a nationally delivered service.',
  board_name: 'Name of the board, or Scotland.',
  service: 'The service, by slug (see /api/v1/services).',
  measure: 'The measure (a count) or indicator (a rate), by name: see measures and indicators.',
  value: 'The figure: a count, or a rate as a ratio to 4 decimal places. Empty when a qualifier says why (c, z or :).',
  qualifier:
    'Empty, or one code: p provisional, r revised, c suppressed, z not applicable, : not available. See qualifiers.',
}

const BREAKDOWN_COLUMN_DESCRIPTIONS: Record<string, string> = {
  breakdown: 'The dimension the figure is split by: simd, age or sex (see breakdown).',
  category:
    'The category: SIMD quintile 1 (most deprived) to 5 (least deprived), an age band or a sex, or unknown where it was not recorded. The categories of a figure add up to its total.',
}

export function disclosureRule(threshold: number) {
  return [
    `Counts from 1 to ${threshold} are suppressed (c). Zeros are shown.`,
    'Further figures are suppressed so that none of these counts can be worked out from the figures published: from totals, from the other boards of a month, from the other months of a quarter or year, or from a quarter or year published beside its months. Scotland totals, quarters and years are treated as published wherever they are not suppressed, even in an export that does not include them.',
    `Measures that are part of another (self_referrals of referrals, started_within_18_weeks of started, proms_at_caseness and proms_reliably_improved of proms_paired, proms_recovered of proms_at_caseness) imply a count that is never published: the whole less the part (e.g. people who started treatment but not within 18 weeks). That count is protected in the same way: a published whole and its published part never differ by 1 to ${threshold}, and the difference cannot be worked out from any other figures either. A difference of 0 is not protected.`,
    `A suppressed pattern is also checked so that no suppressed count, nor any such difference from 1 to ${threshold}, can be pinned down by combining the published figures with the knowledge that a suppressed count is at least 1 and that a part never exceeds its whole, and that no group of suppressed figures adds up to ${threshold} or less.`,
    'Rates are suppressed when their numerator or denominator is.',
    'The pattern is worked out for each service, group of related measures and financial year over every board, month, quarter and the year at once, so every export made as at the same moment suppresses the same figures, whatever its period, grain, boards or measures.',
  ].join(' ')
}

const BREAKDOWN_RULE =
  'Breakdowns are published by financial quarter and year only. The categories of a figure add up to it, so they are protected with it, over every board, month, quarter and the year of a service at once, with the totals as the export without a breakdown publishes them: the categories of a suppressed total are all suppressed, zeros included, and once any category of a figure is suppressed its zeros are too, so a suppressed category may be 0 and nobody can count which categories are positive.'

export function buildActivityMetadata(input: MetadataInput): ActivityMetadata {
  const asAtWords = formatDateTime(input.asAt)
  return {
    title: `Digital therapies activity by ${GRAIN_LABELS[input.grain]}, ${input.from} to ${input.to}`,
    source: EXPORT_SOURCE,
    extractedAt: input.extractedAt.toISOString(),
    asAt: input.asAt.toISOString(),
    asAtDescription: input.asAtRequested
      ? `Figures as the system held them at ${asAtWords} (Scottish time), as asked: later revisions and returns are not included, and qualifiers show each figure's status at that moment.`
      : `Figures as the system held them when extracted, ${asAtWords} (Scottish time). The request below repeats this export with the moment fixed.`,
    request: input.request,
    filters: {
      from: input.from,
      to: input.to,
      grain: input.grain,
      layout: input.layout,
      format: input.format,
      sdc: input.sdc ? 'on' : 'off',
      boards: input.boards,
      services: input.services,
      measures: [...input.measures.map((m) => m.name), ...input.indicators.map((i) => i.id)],
    },
    periods: input.periods.map((p) => ({
      period: p.key,
      label: p.label,
      financialYear: p.financialYear,
      firstMonth: p.firstMonth,
      lastMonth: p.lastMonth,
    })),
    columns: columnsFor(input),
    measures: input.measures.map((m) => ({ name: m.name, label: m.label, unit: m.unit, definition: m.description })),
    indicators: input.indicators.map((i) => ({ ...describeIndicator(i), unit: 'ratio (0 to 1), to 4 decimal places' })),
    qualifiers: QUALIFIERS.map((q) => ({ ...q })),
    disclosureControl: {
      applied: input.sdc,
      threshold: input.threshold,
      rule: input.sdc
        ? disclosureRule(input.threshold) + (input.breakdown ? ` ${BREAKDOWN_RULE}` : '')
        : 'Not applied: these figures include small counts and are not for publication.',
    },
    completeness:
      'A board-month counts once its return has been submitted. A missing month has qualifier ":". A quarter, year or Scotland figure is given only when every month and board in it has reported; otherwise it is ":" and the monthly figures show what has been reported. returnsNotReceived lists the returns not submitted at the moment read.',
    returnsNotReceived: input.returnsNotReceived,
    notes: input.notes,
    breakdown: input.breakdown
      ? {
          dimension: input.breakdown.name,
          label: input.breakdown.label,
          categories: input.breakdown.categories.map((c) => ({ category: c.name, label: c.label })),
        }
      : null,
  }
}

function columnsFor(input: MetadataInput) {
  const split = input.breakdown ? Object.keys(BREAKDOWN_COLUMN_DESCRIPTIONS) : []
  const describe = (name: string) => ({
    name,
    description: LONG_COLUMN_DESCRIPTIONS[name] ?? BREAKDOWN_COLUMN_DESCRIPTIONS[name]!,
  })
  if (input.layout === 'long') {
    const long = Object.keys(LONG_COLUMN_DESCRIPTIONS)
    return [...long.slice(0, 6), ...split, ...long.slice(6)].map(describe)
  }
  const columns = ['period', 'financial_year', 'board_code', 'board_name', 'service', ...split].map(describe)
  for (const m of input.measures) {
    columns.push({ name: m.name, description: `${m.label} (${m.unit}). Empty when its qualifier says why.` })
    columns.push({ name: `${m.name}_qualifier`, description: `Qualifier of ${m.name}.` })
  }
  for (const i of input.indicators) {
    columns.push({
      name: i.id,
      description: `${i.label}: ${i.numerator} / ${i.denominator}, a ratio to 4 decimal places.`,
    })
    columns.push({ name: `${i.id}_qualifier`, description: `Qualifier of ${i.id}.` })
  }
  return columns
}

/** The metadata as rows of a two-column sheet (XLSX): headings, then label and value. */
export function metadataSheetRows(metadata: ActivityMetadata): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [
    [metadata.title, null],
    [null, null],
    ['Source', metadata.source],
    ['Extracted at', metadata.extractedAt],
    ['Figures as at', metadata.asAt],
    ['', metadata.asAtDescription],
    ['Request', metadata.request],
    ['Period', `${metadata.filters.from} to ${metadata.filters.to} by ${GRAIN_LABELS[metadata.filters.grain]}`],
    ['Layout', metadata.filters.layout],
    [
      'Disclosure control',
      metadata.disclosureControl.applied ? `on (threshold ${metadata.disclosureControl.threshold})` : 'off',
    ],
    ['Suppression rule', metadata.disclosureControl.rule],
    ['Completeness', metadata.completeness],
    ['Boards', metadata.filters.boards.map((b) => `${b.code} ${b.name}`).join('; ')],
    ['Services', metadata.filters.services.map((s) => s.slug).join(', ')],
    [
      'Returns not received',
      metadata.returnsNotReceived.length
        ? metadata.returnsNotReceived.map((r) => `${r.board_name} ${r.month}`).join('; ')
        : 'none',
    ],
    ...metadata.notes.map((note) => ['Note', note]),
    [null, null],
    ['Qualifier', 'Meaning'],
    ...metadata.qualifiers.map((q) => [q.code, `${q.name}: ${q.meaning}`]),
    [null, null],
    ['Column', 'Description'],
    ...metadata.columns.map((c) => [c.name, c.description]),
    [null, null],
    ['Measure', 'Definition'],
    ...metadata.measures.map((m) => [m.name, `${m.label} (${m.unit}): ${m.definition}`]),
  ]
  if (metadata.indicators.length) {
    rows.push([null, null], ['Indicator', 'Definition'])
    for (const i of metadata.indicators)
      rows.push([i.name, `${i.label} = ${i.numerator} / ${i.denominator}: ${i.definition}`])
  }
  rows.push([null, null], ['Period', 'In words'])
  for (const p of metadata.periods) rows.push([p.period, `${p.label} (${p.firstMonth} to ${p.lastMonth})`])
  return rows
}
