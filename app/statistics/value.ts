// Resources and value for money (DESIGN.md, "Resources and value"): what each financial year cost
// by service and board, and what that bought: cost per referral, per treatment started, per
// completed course and per person recovered, supporter hours per completed course, and the
// budget impact of the next three financial years. Pure arithmetic on costs and counts the
// models have read; tests/statistics/value.test.ts works every figure by hand.

export const VALUE_MEASURES = [
  'total_cost',
  'supporter_hours',
  'cost_per_referral',
  'cost_per_started',
  'cost_per_completed',
  'cost_per_recovered',
  'supporter_hours_per_completed',
] as const
export type ValueMeasure = (typeof VALUE_MEASURES)[number]

/** The count each unit cost divides by. */
export const UNIT_COST_DENOMINATORS = {
  cost_per_referral: 'referrals',
  cost_per_started: 'started',
  cost_per_completed: 'completed',
  cost_per_recovered: 'proms_recovered',
} as const satisfies Partial<Record<ValueMeasure, string>>

/** The service key of every cCBT and ieCBT service together (those that count completed courses). */
export const THERAPIES = 'therapies'
/** The service key of every service together (total cost only). */
export const ALL_SERVICES = 'all'

export const VALUE_MEASURE_DEFINITIONS: Record<ValueMeasure, { label: string; unit: string; definition: string }> = {
  total_cost: {
    label: 'Total cost',
    unit: 'pounds',
    definition:
      "National contract and licence costs of the service plus the boards' own costs, for the financial year. A board's figure is its own costs plus its share of the national costs, shared by activity (see the apportioning rule).",
  },
  supporter_hours: {
    label: 'Supporter hours',
    unit: 'hours',
    definition:
      "Hours clinicians spent supporting people on cCBT and ieCBT in the financial year, as the boards' digital therapies teams report them each month.",
  },
  cost_per_referral: {
    label: 'Cost per referral',
    unit: 'pounds',
    definition: 'Total cost divided by the referrals of the financial year.',
  },
  cost_per_started: {
    label: 'Cost per treatment started',
    unit: 'pounds',
    definition: 'Total cost divided by the people who started treatment in the financial year.',
  },
  cost_per_completed: {
    label: 'Cost per completed course',
    unit: 'pounds',
    definition: 'Total cost divided by the people who completed their course of treatment in the financial year.',
  },
  cost_per_recovered: {
    label: 'Cost per person recovered',
    unit: 'pounds',
    definition:
      'Total cost divided by the people who recovered in the financial year (at caseness at the start of treatment, below it on both PHQ-9 and GAD-7 at the end).',
  },
  supporter_hours_per_completed: {
    label: 'Supporter hours per completed course',
    unit: 'hours',
    definition:
      'Supporter hours of the financial year divided by the courses of cCBT and ieCBT completed in it (all cCBT and ieCBT services together: supporters work across them).',
  },
}

export const APPORTIONING_RULE =
  "National costs are shared among the boards by activity: each board's share of a service's national cost is its share of the service's activity (its first measure: referrals for cCBT and ieCBT, sessions for video 1:1 therapy, and so on) over the months of the year that every board reported. Costs of a nationally delivered service stay with Scotland. A board's total cost is its own costs plus its shares."

export interface ValueService {
  slug: string
  /** Counted at the national unit (self-help), not at the boards. */
  national: boolean
  /** The measure national costs are shared by. */
  driver: string
  /** It counts completed courses (cCBT and ieCBT). */
  therapy: boolean
}

export interface ValueYearInput {
  financialYear: string
  /** Board codes, in display order. */
  boards: string[]
  /** Board names by code, for the notes. */
  boardNames?: Map<string, string>
  services: ValueService[]
  /** The service that reports supporter hours (the workforce entry). */
  teamService: string | null
  /** Current national costs by service slug, in pounds (all kinds added). */
  nationalCosts: Map<string, number>
  /** Current board costs by `${board}:${service}`, in pounds. */
  boardCosts: Map<string, number>
  /** Boards that recorded any cost for the year: a board with none has costs not known. */
  boardsWithCosts: Set<string>
  /** Counts of the year by `${board}:${service}:${measure}`, over the months each board reported. */
  counts: Map<string, number>
  /** The driver measure's counts over the months every board reported, by `${board}:${service}`. */
  driverCounts: Map<string, number>
  /** Months of the year each board has not reported (including months not yet due), by board. */
  missingMonths: Map<string, string[]>
}

export interface ValueRow {
  financialYear: string
  /** A board code, or null for Scotland. */
  board: string | null
  /** A service slug, THERAPIES or ALL_SERVICES. */
  service: string
  measure: ValueMeasure
  value: number | null
  /** z not applicable; ':' not available (a month not yet reported, or costs not known); c withheld by disclosure control. */
  qualifier: 'z' | ':' | 'c' | null
  /** Why a figure is not available, or what it is based on. */
  note?: string
  /** The count a unit cost divides by: disclosure control hides a unit cost of a small count. */
  denominator?: number
}

const sum = (values: Iterable<number>) => {
  let total = 0
  for (const v of values) total += v
  return total
}

/**
 * Each board's share of a service's national cost: its driver count over the total of the
 * boards, over the months every board reported. No activity at all: equal shares.
 */
export function apportion(amount: number, driverByBoard: Map<string, number>): Map<string, number> {
  const total = sum(driverByBoard.values())
  const boards = [...driverByBoard.keys()]
  return new Map(
    boards.map((b) => [b, total > 0 ? (amount * driverByBoard.get(b)!) / total : amount / Math.max(boards.length, 1)]),
  )
}

/** Pounds (or hours) per unit, or null when there is nothing to divide by. */
export function perUnit(amount: number, units: number): number | null {
  return units > 0 ? amount / units : null
}

/**
 * Every value figure of one financial year: each board and Scotland, each service, cCBT and ieCBT
 * together, and every service together.
 *
 * A board's unit costs are given only when it reported every month of the year: with a month
 * missing, the year's costs would be divided by less than a year's activity and the unit cost
 * would be too high, so the figure is ':' and says which months are missing. Scotland's unit
 * costs are of the boards that reported every month (their costs and shares over their
 * activity), and say so when that is not every board; with none, they are ':'.
 */
export function computeValueYear(input: ValueYearInput): ValueRow[] {
  const { financialYear, boards } = input
  const rows: ValueRow[] = []
  const complete = boards.filter((b) => (input.missingMonths.get(b) ?? []).length === 0)
  const count = (board: string, service: string, measure: string) =>
    input.counts.get(`${board}:${service}:${measure}`) ?? 0

  // Each board's cost of each service: its own costs plus its share of the national cost.
  const boardCost = new Map<string, number>()
  for (const service of input.services) {
    const national = input.nationalCosts.get(service.slug) ?? 0
    const shares = service.national
      ? new Map<string, number>()
      : apportion(national, new Map(boards.map((b) => [b, input.driverCounts.get(`${b}:${service.slug}`) ?? 0])))
    for (const b of boards)
      boardCost.set(`${b}:${service.slug}`, (input.boardCosts.get(`${b}:${service.slug}`) ?? 0) + (shares.get(b) ?? 0))
  }

  const nameOf = (b: string) => input.boardNames?.get(b) ?? b
  const missingNote = (b: string) => {
    const missing = input.missingMonths.get(b) ?? []
    return `${nameOf(b)}: ${missing.length} of 12 months of ${financialYear} not reported (${missing.join(', ')}): a unit cost would divide a year's costs by less than a year's activity.`
  }

  /** The rows of one group of services, for one board or Scotland. */
  const group = (board: string | null, service: string, slugs: ValueService[], unitCosts: boolean) => {
    const therapy = slugs.filter((s) => s.therapy)
    const add = (
      measure: ValueMeasure,
      value: number | null,
      qualifier: ValueRow['qualifier'] = null,
      note?: string,
      denominator?: number,
    ) =>
      rows.push({
        financialYear,
        board,
        service,
        measure,
        value,
        qualifier,
        ...(note ? { note } : {}),
        ...(denominator !== undefined ? { denominator } : {}),
      })
    const who = board === null ? complete : [board]
    const costKnown = (b: string) => input.boardsWithCosts.has(b)
    // Total cost: Scotland's is every national and board cost; a board's is its own and its shares.
    if (board === null) {
      add(
        'total_cost',
        sum(
          slugs.map(
            (s) =>
              (input.nationalCosts.get(s.slug) ?? 0) +
              sum(boards.map((b) => input.boardCosts.get(`${b}:${s.slug}`) ?? 0)),
          ),
        ),
      )
    } else if (costKnown(board)) {
      add('total_cost', sum(slugs.map((s) => boardCost.get(`${board}:${s.slug}`) ?? 0)))
    } else {
      add('total_cost', null, ':', `${nameOf(board)} recorded no costs for ${financialYear}.`)
    }

    const teamHours = (list: string[]) =>
      input.teamService ? sum(list.map((b) => count(b, input.teamService!, 'supporter_hours'))) : 0
    const hoursApply = service === THERAPIES
    if (hoursApply) add('supporter_hours', teamHours(board === null ? boards : [board]))
    else add('supporter_hours', null, 'z')

    if (!unitCosts || therapy.length === 0) {
      for (const measure of Object.keys(UNIT_COST_DENOMINATORS) as ValueMeasure[]) add(measure, null, 'z')
      add('supporter_hours_per_completed', null, 'z')
      return
    }
    // Whose figures the unit costs are of: the board, or Scotland's boards with a whole year.
    // A board that recorded no costs would count only its share of the national costs.
    const basis = input.boardsWithCosts.size > 0 ? who.filter(costKnown) : who
    let note: string | undefined
    let unavailable: string | null = null
    if (board !== null && !complete.includes(board)) unavailable = missingNote(board)
    else if (board !== null && !costKnown(board))
      unavailable = `${nameOf(board)} recorded no costs for ${financialYear}.`
    else if (board === null && basis.length === 0)
      unavailable = `No board reported every month of ${financialYear} and recorded its costs: a unit cost would divide a year's costs by less than a year's activity.`
    else if (board === null && basis.length < boards.length)
      note = `Unit costs of ${financialYear} are of the ${basis.length} of ${boards.length} boards that reported every month and recorded their costs; the others are left out, costs and activity alike, not estimated.`
    const cost = sum(basis.flatMap((b) => slugs.map((s) => boardCost.get(`${b}:${s.slug}`) ?? 0)))
    for (const [measure, denominator] of Object.entries(UNIT_COST_DENOMINATORS) as [ValueMeasure, string][]) {
      if (unavailable) add(measure, null, ':', unavailable)
      else {
        const units = sum(basis.flatMap((b) => therapy.map((s) => count(b, s.slug, denominator))))
        add(measure, perUnit(cost, units), null, note, units)
      }
    }
    if (!hoursApply) add('supporter_hours_per_completed', null, 'z')
    else if (unavailable) add('supporter_hours_per_completed', null, ':', unavailable)
    else {
      const courses = sum(basis.flatMap((b) => therapy.map((s) => count(b, s.slug, 'completed'))))
      add('supporter_hours_per_completed', perUnit(teamHours(basis), courses), null, note, courses)
    }
  }

  const therapies = input.services.filter((s) => s.therapy)
  for (const board of [null, ...boards]) {
    for (const service of input.services) {
      if (board !== null && service.national) continue
      group(board, service.slug, [service], service.therapy)
    }
    group(board, THERAPIES, therapies, true)
    group(board, ALL_SERVICES, board === null ? input.services : input.services.filter((s) => !s.national), false)
  }
  return rows
}

/** Withholds a unit cost of a count from 1 to the threshold (it and the cost would give the count). */
export function protectValueRow(row: ValueRow, threshold: number): ValueRow {
  if (row.denominator !== undefined && row.denominator >= 1 && row.denominator <= threshold && row.value !== null)
    return { ...row, value: null, qualifier: 'c' }
  return row
}

export interface BudgetScenario {
  name: 'low' | 'central' | 'high'
  /** Growth a year, as a ratio (0.05 for 5%). */
  growth: number
}

export interface BudgetYear {
  financialYear: string
  scenario: BudgetScenario['name']
  cost: number
}

/**
 * The cost of each of the next three financial years under each scenario: the demand of the last
 * 12 months grown by the scenario's rate once a year (compounded), at the current unit cost
 * (the last whole year's cost per unit of demand), in today's prices.
 */
export function budgetImpact(args: {
  nextYears: string[]
  unitCost: number
  demandLast12Months: number
  scenarios: BudgetScenario[]
}): BudgetYear[] {
  return args.scenarios.flatMap((s) =>
    args.nextYears.map((financialYear, i) => ({
      financialYear,
      scenario: s.name,
      cost: args.unitCost * args.demandLast12Months * (1 + s.growth) ** (i + 1),
    })),
  )
}
