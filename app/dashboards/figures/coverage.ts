// Coverage: where each service is available (the boards x services matrix), the share of the
// population its boards cover, and the tile map's indicator by board.
import type { BoardFigures, FigureSet } from '#app/models/indicators.server.ts'
import { type Cell, type Figure, fileSlug } from '#app/domain/figure.ts'
import { AVAILABILITY_LABELS, availabilityText, NATIONAL_SERVICE, NOT_OFFERED } from '#app/domain/labels.ts'
import { MAP_INDICATOR_DEFINITIONS, OTHER_INDICATORS } from '#app/statistics/indicators.ts'
import { formatMonth } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'
import { countsKeysOf, definitionOf, isRate } from './trend.ts'

export async function coverageMatrix(ctx: FigureContext): Promise<Figure> {
  const { view } = ctx
  const month = view.period.to
  const matrix = await ctx.data.availabilityMatrix()
  const cells = new Map(matrix.map((c) => [`${c.boardCode}:${c.serviceSlug}`, c]))
  return {
    id: 'coverage-matrix',
    title: 'Where each service is available',
    description: `The status of every service in every board in ${formatMonth(month)}, with the dates of that status.`,
    columns: [
      { key: 'board', label: 'Board', kind: 'text' },
      ...view.services.map((s) => ({ key: s.slug, label: s.name, kind: 'text' as const })),
    ],
    rows: view.boards.map((b) => {
      const row: Record<string, Cell> = { board: b.name }
      for (const s of view.services) {
        const c = cells.get(`${b.code}:${s.slug}`)
        if (!c) continue
        row[s.slug] = c.status
          ? availabilityText(c.status, c.since, c.until)
          : s.delivery === 'national'
            ? NATIONAL_SERVICE
            : NOT_OFFERED
      }
      return row
    }),
    notes: [],
    definitions: Object.values(AVAILABILITY_LABELS).map(({ text, definition }) => ({ label: text, definition })),
    fileName: fileSlug(`service availability ${month}`),
  }
}

export async function coveragePopulation(ctx: FigureContext): Promise<Figure> {
  const month = ctx.view.period.to
  const population = await ctx.data.populationCoverage()
  return {
    id: 'coverage-population',
    title: 'Population coverage by service',
    description: `The share of Scotland's population living in boards where each service was live in ${formatMonth(month)}.`,
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'coverage', label: 'Population coverage', kind: 'percent', disclosure: 'public' },
      { key: 'covered', label: 'Population covered', kind: 'count', unit: 'people', disclosure: 'public' },
      { key: 'boards', label: 'Boards where live', kind: 'text' },
    ],
    rows: population.map((p) => ({
      service: p.name,
      coverage: p.coverage,
      covered: p.coveredPopulation,
      boards:
        p.delivery === 'national' && p.boardsLive === p.boards
          ? 'All (national service)'
          : `${p.boardsLive} of ${p.boards}`,
    })),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.populationCoverage)],
    fileName: fileSlug(`population coverage ${month}`),
    chart: {
      type: 'comparison',
      categoryKey: 'service',
      valueKey: 'coverage',
      axisLabel: '% of Scotland’s population covered',
    },
  }
}

/**
 * The indicator the tile map colours the boards by, one row per board, with the counts it is
 * worked out from (for disclosure control; they do not leave the server). Whether each board
 * meets a standard is added once the values are as shown (coverage page), so nothing is said
 * about a hidden one.
 */
export async function coverageMap(ctx: FigureContext): Promise<Figure> {
  const { view } = ctx
  const indicator = view.filters.indicator
  const boardFigures = await ctx.data.boardFigures({})
  const definition = MAP_INDICATOR_DEFINITIONS[indicator]
  const basisKeys: Array<keyof BoardFigures> =
    indicator === 'referrals_per_100k'
      ? ['referrals', 'population']
      : isRate(indicator)
        ? countsKeysOf(indicator as keyof FigureSet)
        : []
  return {
    id: 'coverage-map',
    title: `${definition.label} by board`,
    description: `${definition.label} (${definition.unit}) in each board${view.service ? ` for ${view.service.name}` : ''}, ${view.period.label}.`,
    columns: [
      { key: 'code', label: 'Board code', kind: 'text' },
      { key: 'board', label: 'Board', kind: 'text' },
      {
        key: 'value',
        label: definition.label,
        kind: definition.kind,
        unit: definition.kind === 'rate' ? definition.unit : undefined,
        disclosure: basisKeys.length === 2 ? { rateOf: basisKeys as [string, string] } : 'public',
      },
    ],
    rows: boardFigures.map((b) => ({
      code: b.code,
      board: b.name,
      value: b[indicator],
      ...Object.fromEntries(basisKeys.map((k) => [k, b[k] as Cell])),
    })),
    notes: boardFigures.some((b) => b[indicator] === null)
      ? ['A dash means there were no figures to compute it from.']
      : [],
    definitions: [{ label: definition.label, definition: definition.definition }],
    fileName: fileSlug(`${definition.label} by board ${view.period.from} to ${view.period.to}`),
  }
}

/** The map's figure as shown, with whether each board meets the standard, from the value shown. */
export function meetsStandard(figure: Figure, ctx: FigureContext): Figure {
  const definition = MAP_INDICATOR_DEFINITIONS[ctx.view.filters.indicator]
  const standard = 'standard' in definition ? definition.standard : undefined
  if (standard === undefined) return figure
  return {
    ...figure,
    columns: [...figure.columns, { key: 'standard', label: `Standard (${Math.round(standard * 100)}%)`, kind: 'text' }],
    rows: figure.rows.map((row) => ({
      ...row,
      standard: typeof row.value === 'number' ? (row.value >= standard ? 'Meets' : 'Below') : null,
    })),
  }
}
