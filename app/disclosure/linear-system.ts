// Small dense linear algebra for the disclosure-control audit (app/disclosure/suppression.ts): which unknowns
// a system of equations fixes, and a simplex method for the one linear programme the audit needs.
// The matrices are small (a few hundred unknowns at most) with entries 0, 1 and -1.

const EPSILON = 1e-9

/** A system reduced to row echelon form: each pivot row reads x_pivot + (free unknowns) = constant. */
export interface ReducedSystem {
  columns: number
  rows: Float64Array[]
  pivots: { row: number; column: number }[]
}

/**
 * Reduced row echelon form of `matrix` (rows of `columns` entries). The rows of these systems are
 * sparse (a relation touches a few cells), so each elimination step walks only the pivot row's
 * non-zero entries.
 */
export function reduce(matrix: readonly (readonly number[])[], columns: number): ReducedSystem {
  const rows = matrix.map((row) => Float64Array.from(row))
  const pivots: { row: number; column: number }[] = []
  let rank = 0
  for (let column = 0; column < columns && rank < rows.length; column++) {
    // Partial pivoting: the largest entry in this column keeps the arithmetic stable.
    let best = -1
    let bestSize = EPSILON
    for (let r = rank; r < rows.length; r++) {
      const size = Math.abs(rows[r]![column]!)
      if (size > bestSize) {
        best = r
        bestSize = size
      }
    }
    if (best < 0) continue
    ;[rows[rank], rows[best]] = [rows[best]!, rows[rank]!]
    const pivotRow = rows[rank]!
    const pivot = pivotRow[column]!
    const nonZero: number[] = []
    for (let c = column; c < columns; c++) {
      if (Math.abs(pivotRow[c]!) <= EPSILON) pivotRow[c] = 0
      else {
        pivotRow[c] = pivotRow[c]! / pivot
        nonZero.push(c)
      }
    }
    for (let r = 0; r < rows.length; r++) {
      if (r === rank) continue
      const row = rows[r]!
      const factor = row[column]!
      if (Math.abs(factor) <= EPSILON) continue
      for (const c of nonZero) row[c] = row[c]! - factor * pivotRow[c]!
      row[column] = 0
    }
    pivots.push({ row: rank, column })
    rank++
  }
  return { columns, rows, pivots }
}

/**
 * Which unknowns of the homogeneous system `matrix · x = 0` (each row one equation over `columns`
 * unknowns) are fixed: column j is fixed when its unit vector lies in the row space, that is when
 * some combination of the equations reads `x_j = constant` whatever the right-hand sides.
 */
export function determinedColumns(matrix: readonly (readonly number[])[], columns: number): boolean[] {
  return fixedColumns(reduce(matrix, columns))
}

export function fixedColumns({ columns, rows, pivots }: ReducedSystem): boolean[] {
  const fixed = new Array<boolean>(columns).fill(false)
  const isPivot = new Uint8Array(columns)
  for (const p of pivots) isPivot[p.column] = 1
  for (const { row, column } of pivots) {
    // In reduced row echelon form the pivot's row is x_column + (free unknowns) = constant: the
    // unknown is fixed exactly when no free unknown appears in it.
    const entries = rows[row]!
    let alone = true
    for (let c = column + 1; c < columns; c++) {
      if (!isPivot[c] && Math.abs(entries[c]!) > EPSILON) {
        alone = false
        break
      }
    }
    fixed[column] = alone
  }
  return fixed
}

/**
 * A basis of the solutions of the reduced system: one vector per free unknown (1 there, 0 at the
 * other free unknowns, and what the equations then make of the others).
 */
export function nullSpace({ columns, rows, pivots }: ReducedSystem): number[][] {
  const isPivot = new Uint8Array(columns)
  for (const p of pivots) isPivot[p.column] = 1
  const basis: number[][] = []
  for (let free = 0; free < columns; free++) {
    if (isPivot[free]) continue
    const vector = new Array<number>(columns).fill(0)
    vector[free] = 1
    for (const { row, column } of pivots) {
      const entry = rows[row]![free]!
      if (Math.abs(entry) > EPSILON) vector[column] = -entry
    }
    basis.push(vector)
  }
  return basis
}

export interface LinearProgramResult {
  value: number
  x: number[]
}

/**
 * Maximises `objective · x` subject to `constraints · x <= bounds` and `x >= 0`, where every bound
 * is non-negative (so x = 0 is a feasible start and no first phase is needed). The simplex method
 * with Bland's rule, which cannot cycle on the many degenerate pivots these problems have.
 */
export function maximiseFromOrigin(
  objective: readonly number[],
  constraints: readonly (readonly number[])[],
  bounds: readonly number[],
): LinearProgramResult {
  const n = objective.length
  const m = constraints.length
  if (bounds.length !== m) throw new RangeError('One bound is needed for each constraint.')
  if (bounds.some((b) => b < 0)) throw new RangeError('Bounds must be non-negative.')
  const width = n + m + 1
  // Tableau rows: the constraints with their slack variables, then the objective row (negated).
  const tableau: Float64Array[] = []
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(width)
    const source = constraints[i]!
    for (let j = 0; j < n; j++) row[j] = source[j] ?? 0
    row[n + i] = 1
    row[width - 1] = bounds[i]!
    tableau.push(row)
  }
  const cost = new Float64Array(width)
  for (let j = 0; j < n; j++) cost[j] = -objective[j]!
  tableau.push(cost)
  const basis = Array.from({ length: m }, (_, i) => n + i)

  const limit = 50 * (n + m) + 1_000
  for (let iteration = 0; ; iteration++) {
    if (iteration > limit) throw new Error('The simplex method did not converge.')
    let entering = -1
    for (let j = 0; j < n + m; j++) {
      if (cost[j]! < -EPSILON) {
        entering = j
        break
      }
    }
    if (entering < 0) break
    let leaving = -1
    let bestRatio = Infinity
    for (let i = 0; i < m; i++) {
      const a = tableau[i]![entering]!
      if (a <= EPSILON) continue
      const ratio = tableau[i]![width - 1]! / a
      if (ratio < bestRatio - EPSILON || (Math.abs(ratio - bestRatio) <= EPSILON && basis[i]! < basis[leaving]!)) {
        bestRatio = ratio
        leaving = i
      }
    }
    if (leaving < 0) throw new Error('The linear programme is unbounded.')
    const pivotRow = tableau[leaving]!
    const pivot = pivotRow[entering]!
    // The rows are sparse: only the pivot row's non-zero entries change the others.
    const nonZero: number[] = []
    for (let c = 0; c < width; c++) {
      if (pivotRow[c] === 0) continue
      pivotRow[c] = pivotRow[c]! / pivot
      nonZero.push(c)
    }
    for (let r = 0; r <= m; r++) {
      if (r === leaving) continue
      const row = tableau[r]!
      const factor = row[entering]!
      if (Math.abs(factor) <= EPSILON) continue
      for (const c of nonZero) row[c] = row[c]! - factor * pivotRow[c]!
    }
    basis[leaving] = entering
  }
  const x = new Array<number>(n).fill(0)
  for (let i = 0; i < m; i++) if (basis[i]! < n) x[basis[i]!] = tableau[i]![width - 1]!
  return { value: cost[width - 1]!, x }
}

/**
 * A change d = sum of z_b times basis[b] (the basis of the solutions of a system, as from
 * `nullSpace`) that moves unknown `target` by a whole 1 in `direction` and lowers no unknown j by
 * more than its room (d_j >= -room[j]), or null when there is none. One linear programme over z:
 * maximise s subject to s <= 1 and s <= direction times d_target. Most unknowns have room to
 * spare, so their constraints start out of the programme and go in only when a solution breaks
 * them: a programme with fewer constraints allows at least as much, so when it cannot reach 1 the
 * whole one cannot either.
 */
export function stepOfOne(
  basis: readonly (readonly number[])[],
  room: readonly number[],
  target: number,
  direction: 1 | -1,
): number[] | null {
  const k = basis.length
  // Variables: z = p - q (p, q >= 0) per basis vector, then s.
  const width = 2 * k + 1
  const row = (cell: number, sign: number) => {
    const entries = new Array<number>(width).fill(0)
    basis.forEach((vector, b) => {
      entries[b] = -sign * vector[cell]!
      entries[k + b] = sign * vector[cell]!
    })
    return entries
  }
  const reach = row(target, direction)
  reach[2 * k] = 1
  const cap = new Array<number>(width).fill(0)
  cap[2 * k] = 1
  const objective = cap
  const constraints: number[][] = [reach, cap]
  const bounds = [0, 1]
  for (let round = 0; round <= room.length; round++) {
    const { x } = maximiseFromOrigin(objective, constraints, bounds)
    if (x[2 * k]! < 1 - 1e-7) return null
    const change = new Array<number>(room.length).fill(0)
    basis.forEach((vector, b) => {
      const z = x[b]! - x[k + b]!
      if (z !== 0) for (let j = 0; j < change.length; j++) change[j] = change[j]! + z * vector[j]!
    })
    let broken = false
    change.forEach((d, j) => {
      if (d >= -room[j]! - 1e-7) return
      constraints.push(row(j, 1))
      bounds.push(room[j]!)
      broken = true
    })
    if (!broken) return change
  }
  throw new Error('A step of one was not settled.')
}
