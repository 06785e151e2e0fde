// The checks of each uploaded row on its own, before any is compared with the figures held: its
// fields against the rules, its board, service, measure and breakdown against the catalogue, and
// no row repeating another. Plain data in and out, so that it runs on a work thread
// (app/utils/threads.server.ts): it takes a second or so for 100,000 rows.
import { type OrgUnit } from '#app/models/org-units.server.ts'
import { type RuleCatalogue } from '#app/models/returns.server.ts'
import { type UploadedFigure } from '#db/schema/index.ts'
import { parseBreakdownCell } from './breakdowns.ts'
import { FigureRowSchema, monthProblem } from './rules.ts'
import { type UploadProblem, type UploadRow } from './upload-parse.server.ts'

export interface UploadRowsJob {
  rows: UploadRow[]
  catalogue: Pick<RuleCatalogue, 'services' | 'measures' | 'applies' | 'breakdowns'>
  units: OrgUnit[]
  /** Superseded board codes, to the unit that replaced them. */
  aliases: Array<{ code: string; orgUnitId: number; note: string }>
  /** The latest month a figure may be for. */
  latest: string
}

/** Every problem of each row by row and column, notes for recoded boards, and the rows that passed. */
export function checkUploadRows({ rows, catalogue, units, aliases, latest }: UploadRowsJob) {
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  const aliasByCode = new Map(aliases.map((a) => [a.code, a]))
  const problems: UploadProblem[] = []
  const notes: string[] = []
  const figures: UploadedFigure[] = []
  const seen = new Map<string, number>()
  const recoded = new Set<string>()
  for (const { row, values } of rows) {
    const parsed = FigureRowSchema.safeParse(values)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ row, column: String(issue.path[0] ?? '(row)'), message: issue.message })
      continue
    }
    const r = parsed.data
    let unit = unitByCode.get(r.board_code)
    const alias = aliasByCode.get(r.board_code)
    if (!unit && alias) {
      unit = units.find((u) => u.id === alias.orgUnitId)
      if (unit && !recoded.has(r.board_code)) {
        recoded.add(r.board_code)
        notes.push(
          `Board code ${r.board_code} is no longer used and was read as ${unit.code} (${unit.name}): ${alias.note}.`,
        )
      }
    }
    const rowProblems: UploadProblem[] = []
    if (!unit)
      rowProblems.push({
        row,
        column: 'board_code',
        message: `${r.board_code} is not a board code: use the codes in the template, like S08000024`,
      })
    if (!catalogue.services.has(r.service))
      rowProblems.push({
        row,
        column: 'service',
        message: `${r.service} is not a service: use the short names in the template, like ccbt-adults`,
      })
    if (!catalogue.measures.has(r.measure))
      rowProblems.push({
        row,
        column: 'measure',
        message: `${r.measure} is not a measure: use the names in the template, like referrals`,
      })
    else if (catalogue.services.has(r.service) && !catalogue.applies.get(r.service)?.has(r.measure)) {
      rowProblems.push({ row, column: 'measure', message: `${r.measure} does not apply to ${r.service}` })
    }
    const monthIssue = monthProblem(r.month, latest)
    if (monthIssue) rowProblems.push({ row, column: 'month', message: monthIssue })
    const breakdown = r.breakdown ? parseBreakdownCell(r.breakdown) : undefined
    if (breakdown === null)
      rowProblems.push({
        row,
        column: 'breakdown',
        message: `“${r.breakdown.slice(0, 30)}” is not a breakdown: write the dimension and the category, like simd=1, age=18-24 or sex=female, or leave it empty for the total`,
      })
    else if (breakdown && rowProblems.length === 0) {
      const dimension = catalogue.breakdowns.applies
        .get(`${r.service}|${r.measure}`)
        ?.find((d) => d.name === breakdown.dimension)
      if (!dimension)
        rowProblems.push({
          row,
          column: 'breakdown',
          message: `${r.measure} of ${r.service} is not broken down by ${breakdown.dimension}${
            catalogue.breakdowns.applies.has(`${r.service}|${r.measure}`)
              ? `: use ${catalogue.breakdowns.applies
                  .get(`${r.service}|${r.measure}`)!
                  .map((d) => d.name)
                  .join(', ')}`
              : ''
          }`,
        })
      else if (!dimension.categories.some((c) => c.name === breakdown.category))
        rowProblems.push({
          row,
          column: 'breakdown',
          message: `${breakdown.category} is not a category of ${dimension.label}: use ${dimension.categories.map((c) => c.name).join(', ')}`,
        })
      else if (r.comment)
        rowProblems.push({
          row,
          column: 'comment',
          message: 'Comments go on the total’s row, not on a breakdown’s',
        })
    }
    if (unit) {
      const key = `${unit.code}|${r.month}|${r.service}|${r.measure}|${r.breakdown.toLowerCase().replace(/\s/g, '')}`
      const first = seen.get(key)
      if (first !== undefined)
        rowProblems.push({
          row,
          column: '(whole row)',
          message: `Repeats row ${first}: the same month, board, service${r.breakdown ? ', measure and breakdown category' : ' and measure'}`,
        })
      else seen.set(key, row)
    }
    problems.push(...rowProblems)
    if (rowProblems.length === 0 && unit) {
      figures.push({
        row,
        code: unit.code,
        month: r.month,
        service: r.service,
        measure: r.measure,
        value: r.value,
        comment: r.comment,
        ...(breakdown ? { breakdown } : {}),
      })
    }
  }

  return { problems, notes, figures }
}
