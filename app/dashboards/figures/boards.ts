// Every board side by side: referrals per 100,000 people against Scotland's rate (the overview's
// comparison), and every board's headline figures in one sortable table (/boards).
import type { BoardFigures } from '#app/models/indicators.server.ts'
import { type Cell, type Figure, type FigureColumn, fileSlug } from '#app/domain/figure.ts'
import { formatRate } from '#app/domain/format.ts'
import { COUNT_SERIES, OTHER_INDICATORS, RATE_INDICATORS } from '#app/statistics/indicators.ts'
import type { FigureContext } from '../context.server.ts'
import { measuresOf } from './activity.ts'
import { definitionOf, listWords, rateOf } from './trend.ts'

export async function boardComparison(ctx: FigureContext): Promise<Figure | null> {
  if (!measuresOf(await ctx.data.serviceDetail()).therapy) return null
  const { view } = ctx
  const [boards, national] = await Promise.all([
    ctx.data.boardFigures({ sort: 'referrals_per_100k', dir: 'desc' }),
    ctx.data.nationalReferralRate(),
  ])
  const nationalRate = national.rate
  const where = view.service ? ` to ${view.service.name}` : ' to cCBT and ieCBT services'
  const notes: string[] = []
  const incomplete = boards.filter((b) => b.months_reported < b.months_expected)
  if (incomplete.length > 0) {
    notes.push(
      `${listWords(incomplete.map((b) => `${b.name} (${b.months_reported} of ${b.months_expected} months)`))} did not report every month: their rates are lower than they would be with every return in.`,
    )
  }
  if (view.period.months !== 12) {
    notes.push(
      `The period has ${view.period.months} months: rates are scaled to a year (times 12, divided by ${view.period.months}).`,
    )
  }
  return {
    id: 'overview-board-comparison',
    title: 'Referrals per 100,000 people, by board',
    description: `Referrals${where} per 100,000 people a year in each board, ${view.period.label}, with the rate for Scotland${nationalRate === null ? '' : ` (${formatRate(nationalRate)})`} as the reference line.`,
    columns: [
      { key: 'code', label: 'Board code', kind: 'text' },
      { key: 'board', label: 'Board', kind: 'text' },
      { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
      { key: 'population', label: 'Population', kind: 'count', unit: 'people', disclosure: 'public' },
      {
        key: 'referrals_per_100k',
        label: 'Referrals per 100,000',
        kind: 'rate',
        unit: 'a year',
        disclosure: { rateOf: ['referrals', 'population'] },
      },
      { key: 'months', label: 'Months reported', kind: 'text' },
    ],
    rows: boards.map((b) => ({
      code: b.code,
      board: b.name,
      referrals: b.referrals,
      population: b.population,
      referrals_per_100k: b.referrals_per_100k,
      months: `${b.months_reported} of ${b.months_expected}`,
    })),
    notes,
    definitions: [definitionOf(OTHER_INDICATORS.referralsPer100k)],
    fileName: fileSlug(`referrals per 100000 by board ${view.period.from} to ${view.period.to}`),
    chart: {
      type: 'comparison',
      categoryKey: 'board',
      valueKey: 'referrals_per_100k',
      axisLabel: 'Referrals per 100,000 people a year',
      reference:
        nationalRate === null ? undefined : { value: nationalRate, label: `Scotland: ${formatRate(nationalRate)}` },
    },
  }
}

/** The columns of the boards table, in order: the page shows those it can sort by, the CSV all. */
const BOARD_TABLE_COLUMNS: FigureColumn[] = [
  { key: 'code', label: 'Board code', kind: 'text' },
  { key: 'name', label: 'Board', kind: 'text' },
  { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
  {
    key: 'referrals_per_100k',
    label: 'Referrals per 100,000',
    kind: 'rate',
    unit: 'a year',
    disclosure: { rateOf: ['referrals', 'population'] },
  },
  {
    key: 'self_referral_share',
    label: 'Self-referral share',
    kind: 'percent',
    disclosure: rateOf('self_referral_share'),
  },
  { key: 'eighteen_weeks', label: 'Within 18 weeks', kind: 'percent', disclosure: rateOf('eighteen_weeks') },
  { key: 'completion_rate', label: 'Completion rate', kind: 'percent', disclosure: rateOf('completion_rate') },
  { key: 'recovery_rate', label: 'Recovery rate', kind: 'percent', disclosure: rateOf('recovery_rate') },
  {
    key: 'reliable_improvement_rate',
    label: 'Reliable improvement',
    kind: 'percent',
    disclosure: rateOf('reliable_improvement_rate'),
  },
  { key: 'video_sessions', label: 'Video 1:1 sessions', kind: 'count', unit: 'sessions' },
  { key: 'group_sessions', label: 'Group sessions', kind: 'count', unit: 'sessions' },
  // About returns, not people.
  { key: 'completeness', label: 'Completeness', kind: 'percent', disclosure: 'public' },
  { key: 'timeliness', label: 'Timeliness', kind: 'percent', disclosure: 'public' },
  { key: 'self_referrals', label: 'Self-referrals', kind: 'count', unit: 'people' },
  { key: 'started', label: 'Started treatment', kind: 'count', unit: 'people' },
  { key: 'started_within_18_weeks', label: 'Started within 18 weeks', kind: 'count', unit: 'people' },
  { key: 'completed', label: 'Completed treatment', kind: 'count', unit: 'people' },
  { key: 'proms_paired', label: 'Finished with paired scores', kind: 'count', unit: 'people' },
  { key: 'proms_at_caseness', label: 'At caseness at start', kind: 'count', unit: 'people' },
  { key: 'proms_recovered', label: 'Recovered', kind: 'count', unit: 'people' },
  { key: 'proms_reliably_improved', label: 'Reliably improved', kind: 'count', unit: 'people' },
  { key: 'group_attendances', label: 'Group attendances', kind: 'count', unit: 'attendances' },
  { key: 'population', label: 'Population', kind: 'count', unit: 'people', disclosure: 'public' },
]

function boardTableRow(
  code: string,
  name: string,
  figures: Partial<Omit<BoardFigures, 'code' | 'name'>>,
): Record<string, Cell> {
  const row: Record<string, Cell> = { code, name }
  for (const c of BOARD_TABLE_COLUMNS.slice(2))
    row[c.key] = (figures as Record<string, Cell | undefined>)[c.key] ?? null
  return row
}

export async function boardsTable(ctx: FigureContext): Promise<Figure> {
  const { view } = ctx
  const [rows, national, nationalRate, completeness] = await Promise.all([
    ctx.data.boardFigures({ sort: view.filters.sort, dir: view.filters.dir }),
    ctx.data.nationalTotals(),
    ctx.data.nationalReferralRate(),
    ctx.data.completeness(),
  ])
  const scotland = {
    ...national,
    population: nationalRate.population,
    referrals_per_100k: nationalRate.rate,
    completeness: completeness.completeness,
    timeliness: completeness.timeliness,
  }
  const service = view.service
  return {
    id: 'boards-table',
    title: 'Headline figures by board',
    description: `Each board's figures${service ? ` for ${service.name}` : ''}, ${view.period.label}, with Scotland's.`,
    columns: BOARD_TABLE_COLUMNS,
    rows: [...rows.map((b) => boardTableRow(b.code, b.name, b)), boardTableRow('', 'Scotland', scotland)],
    notes: rows.some((b) => b.months_reported < b.months_expected)
      ? ['Some boards did not report every month: their totals include only the months they reported.']
      : [],
    definitions: [
      definitionOf(COUNT_SERIES.referrals),
      definitionOf(OTHER_INDICATORS.referralsPer100k),
      definitionOf(RATE_INDICATORS.selfReferralShare),
      definitionOf(RATE_INDICATORS.eighteenWeeks),
      definitionOf(RATE_INDICATORS.completionRate),
      definitionOf(RATE_INDICATORS.recoveryRate),
      definitionOf(RATE_INDICATORS.reliableImprovementRate),
      definitionOf(COUNT_SERIES.videoSessions),
      definitionOf(COUNT_SERIES.groupSessions),
      definitionOf(OTHER_INDICATORS.completeness),
      definitionOf(OTHER_INDICATORS.timeliness),
    ],
    fileName: fileSlug(
      `headline figures by board ${view.period.from} to ${view.period.to}${service ? ` ${service.slug}` : ''}`,
    ),
  }
}
