// The figures of /value (DESIGN.md, "Resources and value"): unit costs by financial year, by
// board and by service, the workforce trend and the three-year budget impact. Built from the rows
// statistics/value.ts works out; each with its columns, units, notes and definitions.
import { type Cell, type Figure, type FigureColumn, fileSlug } from '#app/domain/figure.ts'
import {
  ALL_SERVICES,
  APPORTIONING_RULE,
  type BudgetYear,
  THERAPIES,
  VALUE_MEASURE_DEFINITIONS,
  type ValueMeasure,
  type ValueRow,
} from '#app/statistics/value.ts'
import { formatMonthShort, monthRange } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'

/** What a cell says when there is no figure: why, as the exports' qualifiers say it. */
export const VALUE_CELL_WORDS = {
  ':': 'not available',
  c: 'withheld',
  z: 'not applicable',
  hidden: 'not shown',
} as const

export const QUALIFIER_NOTES = {
  ':': "“not available”: a month of the year is not reported yet (or the year is not over), so a unit cost would divide a year's costs by less than a year's activity; or no costs were recorded.",
  c: '“withheld”: disclosure control: a unit cost of 1 to the threshold people would, with the cost, give the number.',
  z: '“not applicable”: the service counts no referrals or courses (a unit cost per course has no meaning for it).',
  hidden: "“not shown”: board leads see other boards' unit costs, not the amounts they spend.",
} as const

export interface ValueFigureContext {
  rows: ValueRow[]
  years: string[]
  year: string
  board: { code: string; name: string } | null
  boards: { code: string; name: string }[]
  service: { key: string; name: string }
  services: { key: string; name: string }[]
  /** Boards whose cost amounts the reader may not see (a board lead sees only their own). */
  hiddenCosts: (code: string | null) => boolean
}

const MONEY_MEASURES: ValueMeasure[] = [
  'total_cost',
  'cost_per_referral',
  'cost_per_started',
  'cost_per_completed',
  'cost_per_recovered',
]

function column(measure: ValueMeasure): FigureColumn {
  const d = VALUE_MEASURE_DEFINITIONS[measure]
  const money = MONEY_MEASURES.includes(measure)
  return {
    key: measure,
    label: d.label,
    kind: money ? 'money' : measure === 'supporter_hours' ? 'count' : 'rate',
    unit: d.unit,
    disclosure: 'public',
  }
}

function definitions(measures: ValueMeasure[]) {
  return [
    ...measures.map((m) => ({
      label: VALUE_MEASURE_DEFINITIONS[m].label,
      definition: VALUE_MEASURE_DEFINITIONS[m].definition,
    })),
    { label: 'Apportioning national costs', definition: APPORTIONING_RULE },
  ]
}

/** One figure's cell: its value, or the word for why there is none. */
function cellOf(ctx: ValueFigureContext, row: ValueRow | undefined): Cell {
  if (!row) return null
  if (row.measure === 'total_cost' && ctx.hiddenCosts(row.board)) return VALUE_CELL_WORDS.hidden
  if (row.qualifier) return VALUE_CELL_WORDS[row.qualifier]
  return row.value
}

function finder(rows: ValueRow[]) {
  const index = new Map(rows.map((r) => [`${r.financialYear}|${r.board ?? ''}|${r.service}|${r.measure}`, r]))
  return (year: string, board: string | null, service: string, measure: ValueMeasure) =>
    index.get(`${year}|${board ?? ''}|${service}|${measure}`)
}

/** Notes for the words in a figure's cells, and for the notes its rows carry. */
function notesOf(ctx: ValueFigureContext, figureRows: Array<Record<string, Cell>>, rows: ValueRow[]) {
  const words = new Set(figureRows.flatMap((r) => Object.values(r)).filter((v): v is string => typeof v === 'string'))
  const notes = (Object.keys(VALUE_CELL_WORDS) as (keyof typeof VALUE_CELL_WORDS)[])
    .filter((k) => words.has(VALUE_CELL_WORDS[k]))
    .map((k) => QUALIFIER_NOTES[k])
  const own = [...new Set(rows.map((r) => r.note).filter((n): n is string => Boolean(n)))]
  return [...notes, ...own.map((n) => (ctx.hiddenCosts(null) ? n : n))]
}

const scopeName = (ctx: ValueFigureContext) => ctx.board?.name ?? 'Scotland'

/** Unit costs of every financial year: the trend of one board (or Scotland) and one service. */
export function valueTrend(ctx: ValueFigureContext): Figure {
  const find = finder(ctx.rows)
  const code = ctx.board?.code ?? null
  const measures: ValueMeasure[] = [
    'total_cost',
    'cost_per_referral',
    'cost_per_started',
    'cost_per_completed',
    'cost_per_recovered',
    'supporter_hours',
    'supporter_hours_per_completed',
  ]
  const used: ValueRow[] = []
  const rows = ctx.years.map((year) => {
    const row: Record<string, Cell> = { financial_year: year }
    for (const m of measures) {
      const r = find(year, code, ctx.service.key, m)
      if (r) used.push(r)
      row[m] = cellOf(ctx, r)
    }
    // The chart says why a year has no unit cost, rather than calling it hidden.
    if (typeof row.cost_per_completed === 'string') row.__gap = row.cost_per_completed
    return row
  })
  return {
    id: 'value-trend',
    title: `What it cost, year by year: ${ctx.service.name}, ${scopeName(ctx)}`,
    description: `Total cost in pounds and what it bought, for each financial year from ${ctx.years[0]} to ${ctx.years.at(-1)}: cost per referral, per treatment started, per completed course and per person recovered, and supporter hours per completed course.`,
    columns: [
      { key: 'financial_year', label: 'Financial year', kind: 'text', csvName: 'financial_year' },
      ...measures.map(column),
    ],
    rows,
    notes: notesOf(ctx, rows, used),
    definitions: definitions(measures),
    fileName: fileSlug(`value ${ctx.service.name} ${scopeName(ctx)} ${ctx.years[0]} to ${ctx.years.at(-1)}`),
    chart: {
      type: 'trend',
      xKey: 'financial_year',
      xLabel: 'Financial year',
      series: [
        { key: 'cost_per_completed', label: 'Cost per completed course', type: 'line', style: 0 },
        { key: 'cost_per_recovered', label: 'Cost per person recovered', type: 'line', style: 1 },
        { key: 'cost_per_started', label: 'Cost per treatment started', type: 'line', style: 2 },
        { key: 'cost_per_referral', label: 'Cost per referral', type: 'line', style: 3 },
      ],
      left: { label: 'Pounds', kind: 'money', headroom: 1.15 },
    },
  }
}

/** One financial year's cost and unit costs in every board and Scotland, for one service. */
export function valueByBoard(ctx: ValueFigureContext): Figure {
  const find = finder(ctx.rows)
  const measures: ValueMeasure[] = [
    'total_cost',
    'cost_per_referral',
    'cost_per_completed',
    'cost_per_recovered',
    'supporter_hours_per_completed',
  ]
  const used: ValueRow[] = []
  const rows = [null, ...ctx.boards].map((b) => {
    const row: Record<string, Cell> = { board_code: b?.code ?? 'S92000003', board_name: b?.name ?? 'Scotland' }
    for (const m of measures) {
      const r = find(ctx.year, b?.code ?? null, ctx.service.key, m)
      if (r) used.push(r)
      row[m] = cellOf(ctx, r)
    }
    return row
  })
  return {
    id: 'value-boards',
    title: `Each board's unit costs in ${ctx.year}: ${ctx.service.name}`,
    description: `Total cost in pounds (the board's own costs and its share of the national costs) and what it bought in each board and Scotland, financial year ${ctx.year}.`,
    columns: [
      { key: 'board_code', label: 'Board code', kind: 'text', csvName: 'board_code' },
      { key: 'board_name', label: 'Board', kind: 'text', csvName: 'board_name' },
      ...measures.map(column),
    ],
    rows,
    notes: notesOf(ctx, rows, used),
    definitions: definitions(measures),
    fileName: fileSlug(`value by board ${ctx.service.name} ${ctx.year}`),
    chart: {
      type: 'comparison',
      categoryKey: 'board_name',
      valueKey: 'cost_per_completed',
      axisLabel: 'Cost per completed course (pounds)',
    },
  }
}

/** One financial year's cost and unit costs of every service, in one board or Scotland. */
export function valueByService(ctx: ValueFigureContext): Figure {
  const find = finder(ctx.rows)
  const code = ctx.board?.code ?? null
  const measures: ValueMeasure[] = [
    'total_cost',
    'cost_per_referral',
    'cost_per_started',
    'cost_per_completed',
    'cost_per_recovered',
  ]
  const used: ValueRow[] = []
  const rows = ctx.services
    .filter((s) => find(ctx.year, code, s.key, 'total_cost'))
    .map((s) => {
      const row: Record<string, Cell> = { service: s.key, service_name: s.name }
      for (const m of measures) {
        const r = find(ctx.year, code, s.key, m)
        if (r) used.push(r)
        row[m] = cellOf(ctx, r)
      }
      return row
    })
  return {
    id: 'value-services',
    title: `Cost of each service in ${ctx.year}: ${scopeName(ctx)}`,
    description: `Total cost in pounds of each service and what it bought, ${scopeName(ctx)}, financial year ${ctx.year}. “${ctx.services.find((s) => s.key === THERAPIES)?.name}” adds up every cCBT and ieCBT service; “${ctx.services.find((s) => s.key === ALL_SERVICES)?.name}” every service.`,
    columns: [
      { key: 'service', label: 'Service code', kind: 'text', csvName: 'service' },
      { key: 'service_name', label: 'Service', kind: 'text' },
      ...measures.map(column),
    ],
    rows,
    notes: notesOf(ctx, rows, used),
    definitions: definitions(measures),
    fileName: fileSlug(`value by service ${scopeName(ctx)} ${ctx.year}`),
  }
}

export interface WorkforceMonth {
  month: string
  supporter_hours: number | null
  staff_in_post: number | null
  staff_trained: number | null
}

/** The digital therapies teams month by month: supporter hours, staff in post, staff trained. */
export function workforceTrend(
  scope: string,
  months: WorkforceMonth[],
  incomplete: { month: string; reported: number; expected: number }[],
): Figure {
  const rows = months.map((m) => ({ period: m.month, label: formatMonthShort(m.month), ...m }))
  return {
    id: 'value-workforce',
    title: `Digital therapies teams: ${scope}`,
    description: `Supporter hours (hours), staff in post (people, on the last day of the month) and staff who completed the national digital therapies course (people), by month, ${formatMonthShort(months[0]?.month ?? '')} to ${formatMonthShort(months.at(-1)?.month ?? '')}.`,
    columns: [
      { key: 'period', label: 'Month', kind: 'text', csvName: 'period' },
      { key: 'supporter_hours', label: 'Supporter hours', kind: 'count', unit: 'hours' },
      { key: 'staff_in_post', label: 'Staff in post', kind: 'count', unit: 'people' },
      { key: 'staff_trained', label: 'Staff trained', kind: 'count', unit: 'people' },
    ],
    rows: rows.map(({ label: _label, month: _month, ...r }) => r),
    notes: incomplete.length
      ? [
          `Months when not every board had reported are left empty rather than under-counted: ${incomplete
            .map((i) => `${formatMonthShort(i.month)} (${i.reported} of ${i.expected} boards)`)
            .join(', ')}.`,
        ]
      : [],
    definitions: [
      {
        label: 'Supporter hours',
        definition: 'Hours clinicians spent supporting people on cCBT and ieCBT in the month, in whole hours.',
      },
      {
        label: 'Staff in post',
        definition: "Headcount of the board's digital therapy team on the last day of the month.",
      },
      {
        label: 'Staff trained',
        definition: "Staff who completed the national training platform's digital therapies course in the month.",
      },
    ],
    fileName: fileSlug(`digital therapies teams ${scope} ${months[0]?.month ?? ''} to ${months.at(-1)?.month ?? ''}`),
    chart: {
      type: 'trend',
      xKey: 'period',
      xLabel: 'Month',
      series: [
        { key: 'supporter_hours', label: 'Supporter hours', type: 'bar', style: 0 },
        { key: 'staff_in_post', label: 'Staff in post', type: 'line', axis: 'right', style: 1 },
        { key: 'staff_trained', label: 'Staff trained', type: 'line', axis: 'right', style: 2 },
      ],
      left: { label: 'Hours', kind: 'count' },
      right: { label: 'People', kind: 'count', headroom: 1.2 },
    },
  }
}

export interface BudgetBasis {
  /** The year whose cost per referral is used. */
  unitCostYear: string | null
  unitCost: number | null
  /** Referrals to cCBT and ieCBT in the last 12 months, and those months. */
  demand: number
  demandFrom: string
  demandTo: string
  /** Board-months of the last 12 months not reported. */
  missing: number
  rates: { low: number; growth: number; high: number }
}

/** The next three financial years' cost of cCBT and ieCBT under low, central and high growth. */
export function budgetImpactFigure(scope: string, basis: BudgetBasis, years: BudgetYear[]): Figure {
  const next = [...new Set(years.map((y) => y.financialYear))]
  const rows = next.map((financialYear) => {
    const row: Record<string, Cell> = { financial_year: financialYear }
    for (const s of ['low', 'central', 'high'] as const)
      row[s] = years.find((y) => y.financialYear === financialYear && y.scenario === s)?.cost ?? null
    return row
  })
  const pct = (n: number) => `${n}%`
  return {
    id: 'value-budget',
    title: `Budget impact of the next three years: cCBT and ieCBT, ${scope}`,
    description: `What cCBT and ieCBT would cost in each of the next three financial years, in pounds at today's prices, if referrals grow by ${pct(basis.rates.low)} (low), ${pct(basis.rates.growth)} (central) or ${pct(basis.rates.high)} (high) a year from the ${basis.demand.toLocaleString('en-GB')} of the last 12 months (${formatMonthShort(basis.demandFrom)} to ${formatMonthShort(basis.demandTo)}), at the cost per referral of ${basis.unitCostYear ?? 'the latest whole year'}.`,
    columns: [
      { key: 'financial_year', label: 'Financial year', kind: 'text', csvName: 'financial_year' },
      {
        key: 'low',
        label: `Low (${pct(basis.rates.low)} a year)`,
        kind: 'money',
        unit: 'pounds',
        disclosure: 'public',
      },
      {
        key: 'central',
        label: `Central (${pct(basis.rates.growth)} a year)`,
        kind: 'money',
        unit: 'pounds',
        disclosure: 'public',
      },
      {
        key: 'high',
        label: `High (${pct(basis.rates.high)} a year)`,
        kind: 'money',
        unit: 'pounds',
        disclosure: 'public',
      },
    ],
    rows,
    notes: [
      ...(basis.unitCost === null
        ? ['No whole financial year has a cost per referral yet, so there is no budget impact to show.']
        : []),
      ...(basis.missing > 0
        ? [
            `${basis.missing} board-months of the last 12 months are not reported yet: demand is under-counted by them, so the budget is too low by about as much.`,
          ]
        : []),
      'Prices are held at today’s: no inflation or pay awards are added. Change the growth rates in the form above; they stay in the address.',
    ],
    definitions: [
      {
        label: 'Budget impact',
        definition:
          'Cost in year k (k = 1, 2, 3 after the current financial year) = cost per referral of the latest whole year × referrals of the last 12 months × (1 + growth)^k.',
      },
      {
        label: 'Growth rates',
        definition:
          'Referrals growth a year, in percent, set in the address as low, growth and high: by default 0%, 5% and 10%.',
      },
      { label: 'Cost per referral', definition: VALUE_MEASURE_DEFINITIONS.cost_per_referral.definition },
    ],
    fileName: fileSlug(`budget impact ${scope} ${next[0] ?? ''} to ${next.at(-1) ?? ''}`),
    chart: {
      type: 'trend',
      xKey: 'financial_year',
      xLabel: 'Financial year',
      series: [
        { key: 'high', label: 'High', type: 'line', style: 2 },
        { key: 'central', label: 'Central', type: 'line', style: 0 },
        { key: 'low', label: 'Low', type: 'line', style: 1 },
      ],
      left: { label: 'Pounds', kind: 'money', headroom: 1.15 },
    },
  }
}

/**
 * A board's digital therapies team over the view's periods (board page): supporter hours and
 * staff trained added over each period, staff in post on its last month. A period with no
 * return submitted is empty, not 0.
 */
export async function boardWorkforce(ctx: FigureContext): Promise<Figure | null> {
  const board = ctx.board
  if (!board) return null
  const series = await ctx.data.workforce()
  if (series.length === 0) return null
  const value = (month: string, measure: string) =>
    series.find((r) => r.month === month && r.measure === measure)?.value ?? null
  const rows = ctx.view.buckets.map((b) => {
    const months = monthRange(b.from, b.to)
    const added = (measure: string) => {
      const values = months.map((m) => value(m, measure))
      return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0)
    }
    return {
      period: b.key,
      label: b.label,
      supporter_hours: added('supporter_hours'),
      staff_in_post: value(b.to, 'staff_in_post'),
      staff_trained: added('staff_trained'),
    }
  })
  const figure = workforceTrend(
    board.name,
    // Its first month, for the title's words; the rows below carry the period's key.
    rows.map((r, i) => ({
      month: ctx.view.buckets[i]!.from,
      supporter_hours: r.supporter_hours,
      staff_in_post: r.staff_in_post,
      staff_trained: r.staff_trained,
    })),
    [],
  )
  return {
    ...figure,
    id: 'board-workforce',
    columns: figure.columns.map((c) =>
      c.key === 'period' ? { ...c, label: ctx.view.grain === 'month' ? 'Month' : 'Period' } : c,
    ),
    description: `Supporter hours (hours) and staff who completed the national digital therapies course (people) in each period, and staff in post (people) at its end, ${ctx.view.period.label}. An empty period has a month not reported.`,
    rows: rows.map(({ label: _label, ...r }) => r),
    notes: rows.some((r) => r.supporter_hours === null)
      ? ['Periods with a month not reported are left empty rather than under-counted.']
      : [],
    chart:
      figure.chart && figure.chart.type === 'trend'
        ? { ...figure.chart, xKey: 'period', xLabel: ctx.view.grain === 'month' ? 'Month' : 'Period' }
        : figure.chart,
  }
}
