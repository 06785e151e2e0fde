// Costs uploaded as a CSV file on /admin/costs: each row checked by the rules of the form.
import { parse } from 'csv-parse/sync'
import {
  type CheckedCost,
  checkCostRow,
  COST_UPLOAD_COLUMNS,
  type CostProblem,
  type CostReference,
  MAX_COST_UPLOAD_ROWS,
} from './cost-rules.ts'

/**
 * A costs CSV (columns COST_UPLOAD_COLUMNS, header first): every row checked, every problem named
 * by its line and column, and a cost given twice refused. All or nothing: any problem, no costs.
 */
export function parseCostUpload(
  text: string,
  reference: CostReference,
): { costs: CheckedCost[]; problems: CostProblem[] } {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true })
  } catch (error) {
    return {
      costs: [],
      problems: [{ row: 0, field: '', message: `The file is not a CSV file: ${(error as Error).message}` }],
    }
  }
  const [header, ...rows] = records
  const columns = (header ?? []).map((h) => h.toLowerCase())
  const missing = COST_UPLOAD_COLUMNS.filter((c) => c !== 'comment' && !columns.includes(c))
  if (missing.length)
    return {
      costs: [],
      problems: [
        {
          row: 1,
          field: '',
          message: `The header must name the columns ${COST_UPLOAD_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`,
        },
      ],
    }
  if (rows.length > MAX_COST_UPLOAD_ROWS)
    return {
      costs: [],
      problems: [{ row: 0, field: '', message: `More than ${MAX_COST_UPLOAD_ROWS} rows: split the file` }],
    }
  const costs: CheckedCost[] = []
  const problems: CostProblem[] = []
  const seen = new Map<string, number>()
  rows.forEach((cells, i) => {
    const line = i + 2
    const input = Object.fromEntries(columns.map((c, j) => [c, cells[j] ?? '']))
    const checked = checkCostRow(input, line, reference)
    problems.push(...checked.problems)
    if (!checked.cost) return
    const key = `${checked.cost.financialYear}:${checked.cost.orgUnitId}:${checked.cost.serviceId}:${checked.cost.kind}`
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push({
        row: line,
        field: 'kind',
        message: `The same cost is given on line ${first}: give each cost once`,
      })
      return
    }
    seen.set(key, line)
    costs.push(checked.cost)
  })
  return { costs: problems.length ? [] : costs, problems }
}
