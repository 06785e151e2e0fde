// What one dashboard request asks for, parsed once: the filters, the months they stand for, the
// board and service they name, and what the pickers offer. Built by request.server.ts; every
// figure builder and page reads it, and the figures cache is keyed by it.
import type { TileBasis } from '#app/disclosure/figures.ts'
import type { Bucket, Grain } from '#app/domain/periods.ts'
import type { SpcAssurance, SpcVariation } from '#app/statistics/spc.ts'
import type { ServiceSummary } from '#app/models/catalogue.server.ts'
import type { BoardSummary } from '#app/models/org-units.server.ts'
import type { DashboardFilters, MonthRange } from './filters.ts'

export type { BoardSummary, ServiceSummary }

export interface DashboardView {
  filters: DashboardFilters
  period: MonthRange
  /** The same months a year earlier, when they are all within the programme. */
  comparison: MonthRange | null
  grain: Grain
  buckets: Bucket[]
  /** The board the filters name (on a board's page, that board). */
  board: BoardSummary | null
  service: ServiceSummary | null
  boards: BoardSummary[]
  services: ServiceSummary[]
  /** Months the pickers offer, oldest first. */
  monthOptions: string[]
  /** The latest month whose returns have fallen due, and when they were due ('15 November 2026'). */
  latestDue: string
  latestDueDeadline: string
  /** Words for a filter the URL asked for that could not be used. */
  notices: string[]
  /** With `sdc=on`, the largest count that is suppressed (SDC_THRESHOLD); otherwise null. */
  sdcThreshold: number | null
  /** RETURN_DEADLINE_DAY, and the day (in Scotland) the view was asked for: deadlines move at midnight. */
  deadlineDay: number
  today: string
  /**
   * The moment the figures are shown as at (ISO), when the address fixes one (a report); null:
   * as they stand now.
   */
  asAt: string | null
}

/** A headline figure: one number with its unit, definition, standard and comparisons. */
export interface Tile {
  id: string
  label: string
  value: number | null
  kind: 'count' | 'percent' | 'rate'
  description: string
  definition: string
  /** The national standard, as a ratio. */
  standard?: number
  /** The same figure a year earlier, for the change. */
  previous?: number | null
  comparisonLabel?: string
  /** A second figure beside it, e.g. the national one on a board's page. */
  reference?: { label: string; value: number | null; suppressed?: boolean }
  /** The counts it is worked out from, for disclosure control; not sent to the page. */
  basis?: TileBasis
  /** Withheld by disclosure control. */
  suppressed?: boolean
  /** The latest month's variation on its control chart, and whether it meets its standard reliably. */
  variation?: SpcVariation | null
  assurance?: SpcAssurance | null
}
