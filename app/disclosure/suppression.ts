// Statistical disclosure control: which figures of a table must be suppressed so that no count
// from 1 to the threshold is published, and none can be worked out from what is published.
// Pure functions; docs/decisions/0012-disclosure-control.md explains the rule and its limits.
//
// A table is a list of cells (counts) and the relations between them that anyone may use:
// `total = sum of parts` (a row or column total, a quarter as the sum of its months, Scotland as
// the sum of the boards). Every cell that is not suppressed is taken to be public, totals
// included, whether or not a given output prints it: a publication elsewhere may.
//
// 1. Primary suppression: every count from 1 to the threshold. Zeros stay visible, so everyone
//    knows a suppressed count is at least 1.
// 2. Secondary suppression, repeated until nothing changes:
//    - a relation with exactly one suppressed member would give it away by subtraction: suppress
//      its smallest positive published member as well;
//    - a relation whose total is published but whose suppressed parts add up to no more than the
//      threshold gives away a small count (the sum of those parts): suppress another part.
// 3. Audit: with every relation and every published figure, and the knowledge that suppressed
//    counts are at least 1, can any primary-suppressed count be pinned to a single value? Either
//    exactly (linear algebra: the equations fix it) or because the bounds leave no room (a linear
//    programme), or does a group of suppressed parts of a known total add up to a small count? If
//    so, suppress the smallest published cell next to it and start again from 2.
// The loop ends: each round suppresses at least one more cell, and once every positive cell is
// suppressed nothing can be pinned (doubling every suppressed count still fits every relation).

import { determinedColumns, maximiseFromOrigin } from './linear-system.ts'

export type Suppression = 'primary' | 'secondary' | null

/** `values[total] = sum of values[parts]`, known to anyone who reads the published figures. */
export interface SdcRelation {
  total: number
  parts: readonly number[]
}

export interface SdcTable {
  /** Counts (non-negative integers); null where there is no figure (not reported). */
  values: readonly (number | null)[]
  relations: readonly SdcRelation[]
}

export interface SdcOptions {
  /** Counts from 1 to this number are suppressed (SDC_THRESHOLD, 4 by default). */
  threshold: number
}

/** A way a suppressed figure could still be worked out, found by the audit. */
export type Disclosure =
  { kind: 'pinned'; cell: number } | { kind: 'small-sum'; relation: number; cells: number[]; sum: number }

interface Relation {
  total: number
  parts: number[]
  members: number[]
}

/** The cells to suppress in a table: primary (small counts) and secondary (their protection). */
export function suppressTable(table: SdcTable, options: SdcOptions): Suppression[] {
  const { values } = table
  const threshold = checkThreshold(options.threshold)
  const relations = normaliseRelations(table)
  const state: Suppression[] = values.map((v) => (v !== null && v >= 1 && v <= threshold ? 'primary' : null))
  const relationsOf = cellRelations(values.length, relations)

  const hide = (cell: number) => {
    if (state[cell] !== null) throw new Error(`Cell ${cell} is already suppressed.`)
    state[cell] = 'secondary'
  }
  const published = (cell: number) => state[cell] === null && values[cell]! > 0

  // Bounded by the number of cells: every round suppresses at least one more.
  for (let round = 0; round <= values.length; round++) {
    enforceRelationRules(values, relations, state, threshold, relationsOf, hide)
    const disclosures = findDisclosures(table, state, options)
    if (disclosures.length === 0) return state
    // Disclosures found together often share a remedy: one suppression per disclosure, skipping
    // those an earlier one in the round already dealt with (the next audit checks them again).
    let added = 0
    for (const disclosure of disclosures) {
      const near =
        disclosure.kind === 'pinned'
          ? relationsOf[disclosure.cell]!.flatMap((r) => relations[r]!.members)
          : [...relations[disclosure.relation]!.parts, ...relations[disclosure.relation]!.members]
      const cell =
        smallest(near.filter(published), values) ?? smallest(values.map((_, i) => i).filter(published), values)
      if (cell === undefined) continue
      hide(cell)
      added++
    }
    if (added === 0) {
      throw new Error('Disclosure control could not protect the table: no published cell is left to suppress.')
    }
  }
  throw new Error('Disclosure control did not settle.')
}

/**
 * Step 2: every relation has no suppressed member or at least two, and the suppressed parts of a
 * published total never add up to a small count.
 */
function enforceRelationRules(
  values: readonly (number | null)[],
  relations: readonly Relation[],
  state: Suppression[],
  threshold: number,
  relationsOf: readonly number[][],
  hide: (cell: number) => void,
) {
  const suppressed = (cell: number) => state[cell] !== null
  const candidate = (cell: number) => state[cell] === null && values[cell]! > 0
  let changed = true
  while (changed) {
    changed = false
    for (const relation of relations) {
      const hidden = relation.members.filter(suppressed)
      if (hidden.length === 1) {
        // The smallest positive published member; between equals, one that also completes
        // another relation with a single suppressed member (one suppression then protects two).
        const options = relation.members.filter(candidate)
        const least = smallest(options, values, relation.total)
        const equal = options.filter((cell) => least !== undefined && values[cell] === values[least])
        const lonely = equal.filter((cell) =>
          relationsOf[cell]!.some(
            (r) => relations[r] !== relation && relations[r]!.members.filter(suppressed).length === 1,
          ),
        )
        const cell = smallest(lonely, values, relation.total) ?? least
        if (cell === undefined) throw new Error('A relation with one suppressed member has nothing else to suppress.')
        hide(cell)
        changed = true
      } else if (hidden.length >= 2 && !suppressed(relation.total)) {
        const sum = relation.parts.filter(suppressed).reduce((s, cell) => s + values[cell]!, 0)
        if (sum > threshold) continue
        const cell = smallest(relation.parts.filter(candidate), values)
        if (cell === undefined) throw new Error('A small sum of suppressed parts has nothing else to suppress.')
        hide(cell)
        changed = true
      }
    }
  }
}

/**
 * Step 3, the audit: every way a primary-suppressed count could be worked out from the published
 * figures, the relations and the public lower bound of 1 on a suppressed count. Also used by
 * the tests, beside independent checks of their own.
 */
export function findDisclosures(table: SdcTable, state: readonly Suppression[], options: SdcOptions): Disclosure[] {
  const { values } = table
  const threshold = checkThreshold(options.threshold)
  const relations = normaliseRelations(table)
  const hidden = (cell: number) => state[cell] !== null && state[cell] !== undefined
  const disclosures: Disclosure[] = []
  const known = new Set<number>()

  // Equations over suppressed cells only; split into independent groups of cells.
  const equations = relations.filter((r) => r.members.some(hidden))
  const groups = new UnionFind(values.length)
  for (const relation of equations) {
    const cells = relation.members.filter(hidden)
    for (const cell of cells.slice(1)) groups.union(cells[0]!, cell)
  }
  const byGroup = new Map<number, { cells: number[]; equations: Relation[] }>()
  for (let cell = 0; cell < values.length; cell++) {
    if (!hidden(cell)) continue
    const root = groups.find(cell)
    if (!byGroup.has(root)) byGroup.set(root, { cells: [], equations: [] })
    byGroup.get(root)!.cells.push(cell)
  }
  for (const relation of equations) byGroup.get(groups.find(relation.members.find(hidden)!))!.equations.push(relation)

  for (const group of byGroup.values()) {
    const pinned = pinnedAtLowerBound(group.cells, group.equations, values)
    const unknown = group.cells.filter((cell) => !pinned.has(cell))
    const column = new Map(unknown.map((cell, i) => [cell, i]))
    const matrix = group.equations.map((relation) => {
      const row = new Array<number>(unknown.length).fill(0)
      if (column.has(relation.total)) row[column.get(relation.total)!] = 1
      for (const part of relation.parts) if (column.has(part)) row[column.get(part)!] = row[column.get(part)!]! - 1
      return row
    })
    const fixed = determinedColumns(matrix, unknown.length)
    for (const cell of pinned) known.add(cell)
    unknown.forEach((cell, i) => {
      if (fixed[i]) known.add(cell)
    })
  }
  for (const cell of known) if (state[cell] === 'primary') disclosures.push({ kind: 'pinned', cell })

  // A published (or worked-out) total less its published parts is the sum of the rest.
  relations.forEach((relation, index) => {
    if (hidden(relation.total) && !known.has(relation.total)) return
    const cells = relation.parts.filter((part) => hidden(part) && !known.has(part))
    if (cells.length === 0) return
    const sum = cells.reduce((s, cell) => s + values[cell]!, 0)
    if (sum <= threshold) disclosures.push({ kind: 'small-sum', relation: index, cells, sum })
  })
  return disclosures
}

/**
 * Suppressed cells holding exactly 1 sit on their public lower bound: they can only be thought
 * larger, never smaller. Such a cell is pinned when no change of the suppressed cells that keeps
 * every relation can raise it without lowering another cell already at 1. One linear programme
 * finds every cell that can be raised: maximise the sum of s_i, with 0 <= s_i <= 1, s_i <= d_i,
 * over changes d that keep every relation (A d = 0) and never lower a cell at 1 (d_i >= 0). The
 * changes form a cone, so the optimum raises every raisable cell at once (s_i = 1).
 */
function pinnedAtLowerBound(
  cells: readonly number[],
  equations: readonly Relation[],
  values: readonly (number | null)[],
) {
  const pinned = new Set<number>()
  const tight = cells.filter((cell) => values[cell] === 1)
  if (tight.length === 0) return pinned

  // Variables: d_i >= 0 for a cell at 1; d = p - q (p, q >= 0) for any other; then s_i.
  const variable = new Map<number, { plus: number; minus?: number }>()
  let count = 0
  for (const cell of cells) {
    if (values[cell] === 1) variable.set(cell, { plus: count++ })
    else variable.set(cell, { plus: count++, minus: count++ })
  }
  const slack = new Map<number, number>()
  for (const cell of tight) slack.set(cell, count++)

  const constraints: number[][] = []
  const bounds: number[] = []
  for (const relation of equations) {
    const row = new Array<number>(count).fill(0)
    const add = (cell: number, sign: number) => {
      const v = variable.get(cell)
      if (!v) return
      row[v.plus] = row[v.plus]! + sign
      if (v.minus !== undefined) row[v.minus] = row[v.minus]! - sign
    }
    add(relation.total, 1)
    for (const part of relation.parts) add(part, -1)
    constraints.push(
      row,
      row.map((a) => -a),
    )
    bounds.push(0, 0)
  }
  for (const cell of tight) {
    const row = new Array<number>(count).fill(0)
    row[slack.get(cell)!] = 1
    row[variable.get(cell)!.plus] = -1
    constraints.push(row)
    bounds.push(0)
    const cap = new Array<number>(count).fill(0)
    cap[slack.get(cell)!] = 1
    constraints.push(cap)
    bounds.push(1)
  }
  const objective = new Array<number>(count).fill(0)
  for (const cell of tight) objective[slack.get(cell)!] = 1
  const { x } = maximiseFromOrigin(objective, constraints, bounds)
  for (const cell of tight) if (x[slack.get(cell)!]! < 0.5) pinned.add(cell)
  return pinned
}

function checkThreshold(threshold: number) {
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new RangeError('The threshold must be a whole number of at least 1.')
  return threshold
}

/** Relations over the cells that exist, checked: the audit is only as good as its relations. */
function normaliseRelations(table: SdcTable): Relation[] {
  const { values } = table
  values.forEach((value, i) => {
    if (value !== null && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`Cell ${i} is not a count: ${value}`)
    }
  })
  const relations: Relation[] = []
  for (const relation of table.relations) {
    const parts = relation.parts.filter((p) => values[p] !== null && values[p] !== undefined)
    const total = values[relation.total]
    if (total === null || total === undefined) {
      if (parts.length) throw new RangeError(`Relation total ${relation.total} has no value but its parts do.`)
      continue
    }
    const sum = parts.reduce((s, p) => s + values[p]!, 0)
    if (sum !== total) throw new RangeError(`Cell ${relation.total} (${total}) is not the sum of its parts (${sum}).`)
    relations.push({ total: relation.total, parts, members: [relation.total, ...parts] })
  }
  return relations
}

function cellRelations(size: number, relations: readonly Relation[]) {
  const of: number[][] = Array.from({ length: size }, () => [])
  relations.forEach((relation, r) => {
    for (const cell of relation.members) if (!of[cell]!.includes(r)) of[cell]!.push(r)
  })
  return of
}

/** The cell with the smallest value; ties go to parts before the total, then the lower index. */
function smallest(cells: readonly number[], values: readonly (number | null)[], total?: number) {
  let best: number | undefined
  for (const cell of cells) {
    if (best === undefined) {
      best = cell
      continue
    }
    const a = values[cell]!
    const b = values[best]!
    if (a < b || (a === b && (best === total ? cell !== total : cell !== total && cell < best))) best = cell
  }
  return best
}

class UnionFind {
  private parent: number[]
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i)
  }
  find(x: number): number {
    let root = x
    while (this.parent[root] !== root) root = this.parent[root]!
    while (this.parent[x] !== root) {
      const next = this.parent[x]!
      this.parent[x] = root
      x = next
    }
    return root
  }
  union(a: number, b: number) {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb)
  }
}

// ---------------------------------------------------------------------------------------------
// Tables as people see them

export interface GridSuppression {
  cells: Suppression[][]
  rowTotals: Suppression[]
  columnTotals: Suppression[]
  grandTotal: Suppression
}

/**
 * A table of counts with its row and column totals (e.g. months by boards on a dashboard), all
 * taken to be public unless suppressed. `values[r][c]`; null where there is no figure.
 */
export function suppressGrid(values: readonly (readonly (number | null)[])[], options: SdcOptions): GridSuppression {
  const rows = values.length
  const columns = Math.max(0, ...values.map((row) => row.length))
  const cellValues: (number | null)[] = []
  const cell = (r: number, c: number) => r * columns + c
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) cellValues.push(values[r]![c] ?? null)
  const sumOf = (list: (number | null)[]) =>
    list.some((v) => v !== null) ? list.reduce<number>((s, v) => s + (v ?? 0), 0) : null
  const rowTotal = (r: number) => rows * columns + r
  const columnTotal = (c: number) => rows * columns + rows + c
  const grand = rows * columns + rows + columns
  for (let r = 0; r < rows; r++) cellValues.push(sumOf(values[r]!.slice()))
  for (let c = 0; c < columns; c++) cellValues.push(sumOf(values.map((row) => row[c] ?? null)))
  cellValues.push(sumOf(cellValues.slice(0, rows * columns)))
  const relations: SdcRelation[] = []
  for (let r = 0; r < rows; r++) relations.push({ total: rowTotal(r), parts: range(columns).map((c) => cell(r, c)) })
  for (let c = 0; c < columns; c++) relations.push({ total: columnTotal(c), parts: range(rows).map((r) => cell(r, c)) })
  relations.push({ total: grand, parts: range(rows).map(rowTotal) })
  relations.push({ total: grand, parts: range(columns).map(columnTotal) })
  const state = suppressTable({ values: cellValues, relations }, options)
  return {
    cells: range(rows).map((r) => range(columns).map((c) => state[cell(r, c)]!)),
    rowTotals: range(rows).map((r) => state[rowTotal(r)]!),
    columnTotals: range(columns).map((c) => state[columnTotal(c)]!),
    grandTotal: state[grand]!,
  }
}

function range(length: number) {
  return Array.from({ length }, (_, i) => i)
}

/**
 * A rate is published only when both its counts are: a published rate and one published count
 * would give the other away. Null when either count is suppressed or missing, or when the
 * denominator is 0 (no rate).
 */
export function publishableRate(
  numerator: { value: number | null; suppressed: boolean },
  denominator: { value: number | null; suppressed: boolean },
): { value: number | null; suppressed: boolean } {
  if (numerator.suppressed || denominator.suppressed) return { value: null, suppressed: true }
  if (numerator.value === null || denominator.value === null || denominator.value === 0) {
    return { value: null, suppressed: false }
  }
  return { value: numerator.value / denominator.value, suppressed: false }
}
