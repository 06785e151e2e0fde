// A board's monthly returns over the period, newest first: their state, when first submitted,
// whether by the deadline and whether revised after approval.
import { type Figure, fileSlug } from '#app/domain/figure.ts'
import { RETURN_STATUS_LABELS } from '#app/domain/labels.ts'
import { OTHER_INDICATORS } from '#app/statistics/indicators.ts'
import { formatMonth } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'
import { definitionOf } from './trend.ts'

export async function boardReturns(ctx: FigureContext): Promise<Figure | null> {
  const { board, view } = ctx
  if (!board) return null
  const returns = await ctx.data.boardReturns()
  return {
    id: 'board-returns',
    title: 'Monthly returns',
    description: `The status of ${board.name}'s monthly returns, ${view.period.label}, newest first.`,
    columns: [
      { key: 'month', label: 'Month', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'submitted', label: 'First submitted', kind: 'text' },
      { key: 'on_time', label: 'By the deadline', kind: 'text' },
      { key: 'revised', label: 'Revised after approval', kind: 'text' },
      { key: 'services', label: 'Live services', kind: 'count', unit: 'services', disclosure: 'public' },
    ],
    rows: returns.map((r) => ({
      month: formatMonth(r.month),
      status: RETURN_STATUS_LABELS[r.status].text,
      submitted: r.firstSubmittedAt ? r.firstSubmittedAt.slice(0, 10) : null,
      on_time: r.onTime === null ? null : r.onTime ? 'Yes' : 'No, late',
      revised: r.revised ? 'Yes' : 'No',
      services: r.services,
    })),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.timeliness)],
    fileName: fileSlug(`returns ${board.name} ${view.period.from} to ${view.period.to}`),
  }
}
