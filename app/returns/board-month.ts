// One board-month as a save would leave it: the figures held with the new ones over them, what
// changes, and what the return form's rules find. The return form's save and the upload (and so
// the submission API) both go through here, so a figure is judged the same whichever way it comes.
import { type BreakdownApplies, type BreakdownFigure, checkBreakdowns, mergeBreakdowns } from './breakdowns.ts'
import { checkFigures, type Figure, type MeasureInfo, type Problem } from './rules.ts'

/** What the rules need to know of the catalogue (the models' RuleCatalogue has it). */
export interface BoardMonthCatalogue {
  /** service -> measures that apply */
  applies: Map<string, Set<string>>
  measures: Map<string, MeasureInfo>
  services: Map<string, unknown>
  serviceNames: Map<string, string>
  breakdowns: { applies: BreakdownApplies }
}

/** A figure that changes, and whether it replaces one held (rather than being the first). */
export type FigureChange = Figure & { comment: string | null; replaces: boolean }

/**
 * Merges a board-month's new figures and breakdowns over those held (a figure given without a
 * comment keeps the comment held) and checks the result: measures that do not apply or are not
 * in the catalogue, caps, parts over wholes, and breakdowns against their totals. Warnings that
 * need the figures' history, and the reason a change to approved figures needs, are the caller's.
 */
export function mergeBoardMonth({
  held,
  figures,
  heldBreakdowns,
  breakdowns,
  catalogue,
}: {
  held: readonly Figure[]
  figures: readonly Figure[]
  heldBreakdowns: BreakdownFigure[]
  breakdowns: BreakdownFigure[]
  catalogue: BoardMonthCatalogue
}) {
  const key = (f: { service: string; measure: string }) => `${f.service}|${f.measure}`
  const merged = new Map<string, Figure>(
    held.map((f) => [key(f), { service: f.service, measure: f.measure, value: f.value, comment: f.comment ?? null }]),
  )
  const changes: FigureChange[] = []
  for (const figure of figures) {
    const before = merged.get(key(figure))
    const after = {
      service: figure.service,
      measure: figure.measure,
      value: figure.value,
      comment: figure.comment === undefined ? (before?.comment ?? null) : figure.comment,
    }
    if ((before?.value ?? null) !== after.value || (before?.comment ?? null) !== after.comment) {
      if (before || after.value !== null || after.comment !== null) changes.push({ ...after, replaces: !!before })
    }
    merged.set(key(figure), after)
  }
  const all = [...merged.values()]

  const problems = checkFigures({
    figures: all,
    applies: catalogue.applies,
    measures: catalogue.measures,
    serviceNames: catalogue.serviceNames,
  })
  for (const f of figures) {
    if (catalogue.services.has(f.service) && catalogue.measures.has(f.measure)) continue
    problems.push({
      service: f.service,
      measure: f.measure,
      rule: 'not-applicable',
      severity: 'error',
      message: `${f.service} ${f.measure} is not a service and measure in the catalogue`,
    })
  }
  const split = mergeBreakdowns(heldBreakdowns, breakdowns)
  problems.push(
    ...checkBreakdowns({
      figures: all,
      breakdowns: split.merged,
      applies: catalogue.breakdowns.applies,
      labels: {
        measure: (name) => catalogue.measures.get(name)?.label ?? name,
        service: (slug) => catalogue.serviceNames.get(slug) ?? slug,
      },
    }),
  )
  return { figures: all, changes, breakdownChanges: split.changes, problems }
}

/** Figures approved before may change only with a reason, which is kept with each new version. */
export function reasonProblems(approvedBefore: boolean, changed: number, reason: string | null | undefined): Problem[] {
  if (!approvedBefore || changed === 0 || reason?.trim()) return []
  return [
    {
      service: '',
      measure: '',
      rule: 'reason-required',
      severity: 'error',
      message: 'These figures were approved before: give the reason for changing them',
    },
  ]
}
