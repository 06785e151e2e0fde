// What someone trying to undo disclosure control can work out from a published table: written
// apart from app/disclosure/suppression.ts (exact fractions instead of floating point, a two-phase simplex
// computing each cell's bounds instead of the audit's cone), so the tests do not mark the code's
// homework with its own answers.
import type { SdcRelation } from '#app/disclosure/suppression.ts'

export interface PublishedTable {
  values: readonly (number | null)[]
  relations: readonly SdcRelation[]
  hidden: readonly boolean[]
  /** What the attacker knows each hidden cell is at least: 1 (a suppressed count) unless said. */
  lowerBound?: (cell: number) => number
}

// ----- exact rational arithmetic --------------------------------------------------------------

class Fraction {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  static of(n: bigint, d: bigint) {
    if (d === 0n) throw new RangeError('division by zero')
    if (d < 0n) {
      n = -n
      d = -d
    }
    const g = gcd(n < 0n ? -n : n, d)
    return new Fraction(n / g, d / g)
  }
  isZero() {
    return this.n === 0n
  }
  sub(o: Fraction) {
    return Fraction.of(this.n * o.d - o.n * this.d, this.d * o.d)
  }
  mul(o: Fraction) {
    return Fraction.of(this.n * o.n, this.d * o.d)
  }
  div(o: Fraction) {
    return Fraction.of(this.n * o.d, this.d * o.n)
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a === 0n ? 1n : a
}

/** Row echelon form: rows with their pivot columns, pivots increasing. */
function echelon(rows: Fraction[][]): { row: Fraction[]; pivot: number }[] {
  const m = rows.map((r) => r.slice())
  const columns = m[0]?.length ?? 0
  const out: { row: Fraction[]; pivot: number }[] = []
  let r = 0
  for (let c = 0; c < columns && r < m.length; c++) {
    const pivot = m.findIndex((row, i) => i >= r && !row[c]!.isZero())
    if (pivot < 0) continue
    ;[m[r], m[pivot]] = [m[pivot]!, m[r]!]
    for (let i = r + 1; i < m.length; i++) {
      if (m[i]![c]!.isZero()) continue
      const f = m[i]![c]!.div(m[r]![c]!)
      m[i] = m[i]!.map((v, k) => v.sub(f.mul(m[r]![k]!)))
    }
    out.push({ row: m[r]!, pivot: c })
    r++
  }
  return out
}

/** Whether a vector is a combination of the echelon rows: reduce it by them and see what is left. */
function inSpan(vector: Fraction[], rows: { row: Fraction[]; pivot: number }[]) {
  let v = vector.slice()
  for (const { row, pivot } of rows) {
    if (v[pivot]!.isZero()) continue
    const f = v[pivot]!.div(row[pivot]!)
    v = v.map((x, k) => x.sub(f.mul(row[k]!)))
  }
  return v.every((x) => x.isZero())
}

/** Live relations over the cells that exist: parts that are null are not there. */
function liveRelations(table: PublishedTable) {
  return table.relations
    .filter((r) => table.values[r.total] !== null)
    .map((r) => ({ total: r.total, parts: r.parts.filter((p) => table.values[p] !== null) }))
}

/**
 * Suppressed cells that linear algebra alone fixes: the cell's unit vector lies in the span of
 * the relations written over the suppressed cells (published cells are constants).
 */
export function exactlyRecoverable(table: PublishedTable): number[] {
  const hiddenCells = table.values.map((_, i) => i).filter((i) => table.hidden[i])
  const column = new Map(hiddenCells.map((cell, i) => [cell, i]))
  const rows = liveRelations(table)
    .map((r) => {
      const row = hiddenCells.map(() => new Fraction(0n))
      if (column.has(r.total)) row[column.get(r.total)!] = new Fraction(1n)
      for (const p of r.parts) if (column.has(p)) row[column.get(p)!] = row[column.get(p)!]!.sub(new Fraction(1n))
      return row
    })
    .filter((row) => row.some((v) => !v.isZero()))
  if (hiddenCells.length === 0) return []
  const rowsInEchelon = echelon(rows)
  return hiddenCells.filter((cell) =>
    inSpan(
      hiddenCells.map((c) => new Fraction(c === cell ? 1n : 0n)),
      rowsInEchelon,
    ),
  )
}

// ----- bounds by linear programming -------------------------------------------------------------

const EPS = 1e-9

/**
 * Minimises cost·y subject to A y = b, y >= 0 (two-phase simplex, Bland's rule). Returns null
 * when infeasible.
 */
function minimise(cost: number[], A: number[][], b: number[]): number | null {
  const m = A.length
  const n = cost.length
  // Phase 1: artificial variables, b made non-negative.
  const rows = A.map((row, i) => (b[i]! < 0 ? row.map((v) => -v) : row.slice()))
  const rhs = b.map((v) => Math.abs(v))
  const width = n + m + 1
  const t: number[][] = rows.map((row, i) => {
    const r = new Array<number>(width).fill(0)
    row.forEach((v, j) => (r[j] = v))
    r[n + i] = 1
    r[width - 1] = rhs[i]!
    return r
  })
  const basis = rows.map((_, i) => n + i)
  const pivotOn = (pr: number, pc: number, objective: number[]) => {
    const p = t[pr]![pc]!
    t[pr] = t[pr]!.map((v) => v / p)
    for (let i = 0; i < m; i++) {
      if (i === pr) continue
      const f = t[i]![pc]!
      if (Math.abs(f) > EPS) t[i] = t[i]!.map((v, k) => v - f * t[pr]![k]!)
    }
    const f = objective[pc]!
    if (Math.abs(f) > EPS) for (let k = 0; k < width; k++) objective[k] = objective[k]! - f * t[pr]![k]!
    basis[pr] = pc
  }
  const run = (objective: number[], allowed: (j: number) => boolean) => {
    for (let guard = 0; guard < 100_000; guard++) {
      let pc = -1
      for (let j = 0; j < width - 1; j++) {
        if (allowed(j) && objective[j]! < -EPS) {
          pc = j
          break
        }
      }
      if (pc < 0) return true
      let pr = -1
      let best = Infinity
      for (let i = 0; i < m; i++) {
        const a = t[i]![pc]!
        if (a <= EPS) continue
        const ratio = t[i]![width - 1]! / a
        if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[pr]!)) {
          best = ratio
          pr = i
        }
      }
      if (pr < 0) return false // unbounded
      pivotOn(pr, pc, objective)
    }
    throw new Error('simplex did not converge')
  }
  // Phase 1 objective: minimise the sum of artificials, written in terms of the non-basic columns.
  const phase1 = new Array<number>(width).fill(0)
  for (let i = 0; i < m; i++)
    for (let k = 0; k < width; k++) if (k < n || k === width - 1) phase1[k] = phase1[k]! - t[i]![k]!
  run(phase1, () => true)
  if (-phase1[width - 1]! > 1e-7) return null
  // Drive artificials out of the basis where possible.
  for (let i = 0; i < m; i++) {
    if (basis[i]! < n) continue
    const pc = t[i]!.findIndex((v, k) => k < n && Math.abs(v) > EPS)
    if (pc >= 0) pivotOn(i, pc, phase1)
  }
  const phase2 = new Array<number>(width).fill(0)
  cost.forEach((c, j) => (phase2[j] = c))
  for (let i = 0; i < m; i++) {
    const j = basis[i]!
    if (j < n && Math.abs(phase2[j]!) > EPS) {
      const f = phase2[j]!
      for (let k = 0; k < width; k++) phase2[k] = phase2[k]! - f * t[i]![k]!
    }
  }
  if (!run(phase2, (j) => j < n)) return -Infinity
  return -phase2[width - 1]!
}

/**
 * The range each suppressed cell could take for someone who knows every published cell, every
 * relation, and that a suppressed count is at least 1 (zeros are always shown). For the cells
 * given, or every hidden cell.
 */
export function suppressedBounds(
  table: PublishedTable,
  cells?: readonly number[],
): Map<number, { min: number; max: number }> {
  const hiddenCells = table.values.map((_, i) => i).filter((i) => table.hidden[i])
  const low = (cell: number) => table.lowerBound?.(cell) ?? 1
  const column = new Map(hiddenCells.map((cell, i) => [cell, i]))
  const A: number[][] = []
  const b: number[] = []
  for (const r of liveRelations(table)) {
    // total - sum(parts) = 0, published cells moved to the right; y = x - low for hidden cells.
    const row = hiddenCells.map(() => 0)
    let constant = 0
    const add = (cell: number, sign: number) => {
      if (column.has(cell)) {
        row[column.get(cell)!] = row[column.get(cell)!]! + sign
        constant -= sign * low(cell)
      } else constant -= sign * table.values[cell]!
    }
    add(r.total, 1)
    for (const p of r.parts) add(p, -1)
    if (row.every((v) => v === 0)) continue
    A.push(row)
    b.push(constant)
  }
  const bounds = new Map<number, { min: number; max: number }>()
  for (const cell of cells ?? hiddenCells) {
    const j = column.get(cell)!
    const cost = hiddenCells.map((_, k) => (k === j ? 1 : 0))
    const min = minimise(cost, A, b)
    const negMax = minimise(
      cost.map((c) => -c),
      A,
      b,
    )
    if (min === null || negMax === null) throw new Error('the published table is inconsistent')
    bounds.set(cell, { min: min + low(cell), max: negMax === -Infinity ? Infinity : -negMax + low(cell) })
  }
  return bounds
}
