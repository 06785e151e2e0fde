// Statistical disclosure control: which figures of a table must be suppressed so that no count
// from 1 to the threshold is published, and none can be worked out from what is published.
// Pure functions; docs/decisions/0012-disclosure-control.md explains the rule and its limits.
//
// A table is a list of cells (counts) and the relations between them that anyone may use:
// `total = sum of parts` (a row or column total, a quarter as the sum of its months, Scotland as
// the sum of the boards, a whole as its part plus the rest). Every cell that is not suppressed is
// taken to be public, totals included, whether or not a given output prints it: a publication
// elsewhere may. Some cells are never published at all (`unpublished`): counts that other figures
// imply, such as the people who started treatment but not within 18 weeks (started less started
// within 18 weeks). Nobody sees them, but anyone can work one out when the relations allow: they
// are protected like any count of people, except that all anyone knows of one is that it is at
// least 0 (a published count that is suppressed is at least 1, since zeros are shown).
//
// 1. Primary suppression: every count from 1 to the threshold. Zeros stay visible, so everyone
//    knows a suppressed count is at least 1. An unpublished count from 1 to the threshold is
//    primary too (it is what must not be worked out); an unpublished 0 or large count may be.
// 2. Secondary suppression, repeated until nothing changes. What anyone knows is every published
//    cell and whatever a relation gives away by subtraction (a relation with one unknown member);
//    unpublished counts that are not small may be known that way. Then:
//    - a relation with exactly one unknown member would give it away by subtraction: suppress
//      its smallest positive published member as well (or, when every other member is an
//      unpublished count worked out elsewhere, a published figure it was worked out from);
//    - a relation whose total is known but whose unknown parts add up to 1 to the threshold gives
//      away a small count (the sum of those parts): suppress another part.
// 3. Audit: with every relation and every published figure, and the lower bounds (1 on a
//    suppressed count, 0 on an unpublished one), can any primary count be pinned to a single
//    value? Either exactly (linear algebra: the equations fix it), or because the bounds leave no
//    room (a linear programme), or because they leave it less than a whole 1 either way (counts
//    are whole numbers: a count held between 1 and 1.5 is 1), or does a group of unknown parts of
//    a known total add up to a small count? If so, suppress the smallest published cell next to
//    it and start again from 2.
// The loop ends: each round suppresses at least one more cell, and once every positive published
// cell is suppressed nothing can be pinned (doubling every positive count still fits every
// relation).

import { determinedColumns, fixedColumns, maximiseFromOrigin, nullSpace, reduce, stepOfOne } from './linear-system.ts'

/**
 * How a cell is published: null (as it is), suppressed as a small count ('primary') or to protect
 * one ('secondary'), or never published ('unpublished'; 'primary' when it is a small count).
 */
export type Suppression = 'primary' | 'secondary' | 'unpublished' | null

/** `values[total] = sum of values[parts]`, known to anyone who reads the published figures. */
export interface SdcRelation {
  total: number
  parts: readonly number[]
}

export interface SdcTable {
  /** Counts (non-negative integers); null where there is no figure (not reported). */
  values: readonly (number | null)[]
  relations: readonly SdcRelation[]
  /**
   * Cells never published: counts the others imply (a whole less its part). Known to nobody
   * unless the relations give them away; protected when from 1 to the threshold.
   */
  unpublished?: readonly number[]
  /**
   * Cells another table has already decided (the totals a breakdown adds up to): `published`
   * ones are public and may not be suppressed here; `suppressed` ones are not published here
   * either (small counts among them stay primary, and are protected as ever).
   */
  settled?: { published: readonly number[]; suppressed: readonly number[] }
  /**
   * Cells published together or not at all as far as their zeros go (the categories of one
   * figure): once one is suppressed, its zeros are too, so nobody can count which categories are
   * positive, and a suppressed one is known only to be at least 0.
   */
  zeroGroups?: readonly (readonly number[])[]
}

export interface SdcOptions {
  /** Counts from 1 to this number are suppressed (SDC_THRESHOLD, 4 by default). */
  threshold: number
}

/** A way a protected figure could still be worked out, found by the audit. */
export type Disclosure =
  { kind: 'pinned'; cell: number } | { kind: 'small-sum'; relation: number; cells: number[]; sum: number }

interface Relation {
  total: number
  parts: number[]
  members: number[]
}

/** What anyone knows of a table: each cell known or not, and the relation that gave it away. */
interface Knowledge {
  known: Uint8Array
  /** The relation a cell was worked out from, or -1 (published, or not known). */
  reason: Int32Array
}

/** Knowledge kept up to date as cells are suppressed one by one. */
interface LiveKnowledge extends Knowledge {
  /** A published cell is now suppressed: forget it and whatever was worked out from it, then learn again. */
  forget(cell: number): void
}

/** The cells to suppress in a table: primary (small counts) and secondary (their protection). */
export function suppressTable(table: SdcTable, options: SdcOptions): Suppression[] {
  const { values } = table
  const threshold = checkThreshold(options.threshold)
  const relations = normaliseRelations(table)
  const unpublished = unpublishedCells(table)
  const small = (v: number | null) => v !== null && v >= 1 && v <= threshold
  const fixed = cellFlags(values.length, table.settled?.published ?? [], 'keep published')
  const hidden = cellFlags(values.length, table.settled?.suppressed ?? [], 'keep suppressed')
  const state: Suppression[] = values.map((v, i) =>
    small(v)
      ? 'primary'
      : unpublished[i] && v !== null
        ? 'unpublished'
        : hidden[i] && v !== null && v > 0
          ? 'secondary'
          : null,
  )
  const groupsOf = cellGroups(values.length, table.zeroGroups ?? [])
  const zerosOf = (cell: number) =>
    groupsOf[cell]!.flatMap((g) => table.zeroGroups![g]!).filter(
      (z) => values[z] === 0 && state[z] === null && !fixed[z],
    )
  for (let cell = 0; cell < values.length; cell++) {
    if (state[cell] === 'primary' || state[cell] === 'secondary')
      for (const zero of zerosOf(cell)) state[zero] = 'secondary'
  }
  const relationsOf = cellRelations(values.length, relations)
  // Unpublished counts that are not small may be worked out; suppressed figures must not be.
  const knowledge = liveKnowledge(relations, relationsOf, state, (cell) => state[cell] === 'unpublished')

  const hide = (cell: number) => {
    if (state[cell] !== null) throw new Error(`Cell ${cell} is already suppressed.`)
    state[cell] = 'secondary'
    knowledge.forget(cell)
    for (const zero of zerosOf(cell)) {
      state[zero] = 'secondary'
      knowledge.forget(zero)
    }
  }
  const published = (cell: number) => state[cell] === null && values[cell]! > 0 && !fixed[cell]

  // Cells shown to have room to move by 1 stay so whatever else is suppressed: the audit of each
  // round checks only the others.
  const movable = new Set<number>()
  // Bounded by the number of cells: every round suppresses at least one more.
  for (let round = 0; round <= values.length; round++) {
    enforceRelationRules(values, relations, state, threshold, relationsOf, hide, knowledge, published)
    const disclosures = audit(table, relations, unpublished, state, threshold, movable)
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
        smallest(near.filter(published), values) ??
        smallest(workedOutFrom(near, relations, knowledge, published), values) ??
        smallest(values.map((_, i) => i).filter(published), values)
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
 * Step 2: every relation has no unknown member or at least two, and the unknown parts of a known
 * total never add up to a small count.
 */
function enforceRelationRules(
  values: readonly (number | null)[],
  relations: readonly Relation[],
  state: Suppression[],
  threshold: number,
  relationsOf: readonly number[][],
  hide: (cell: number) => void,
  knowledge: Knowledge,
  candidate: (cell: number) => boolean,
) {
  let changed = true
  while (changed) {
    changed = false
    const { known } = knowledge
    const unknownIn = (relation: Relation) => relation.members.filter((cell) => !known[cell])
    const suppress = (cell: number) => {
      hide(cell)
      changed = true
    }
    for (const relation of relations) {
      const unknown = unknownIn(relation)
      if (unknown.length === 1) {
        // The smallest positive published member; between equals, one that also completes
        // another relation with a single unknown member (one suppression then protects two).
        const options = relation.members.filter(candidate)
        const least = smallest(options, values, relation.total)
        const equal = options.filter((cell) => least !== undefined && values[cell] === values[least])
        const lonely = equal.filter((cell) =>
          relationsOf[cell]!.some((r) => relations[r] !== relation && unknownIn(relations[r]!).length === 1),
        )
        const cell =
          smallest(lonely, values, relation.total) ??
          least ??
          smallest(workedOutFrom(relation.members, relations, knowledge, candidate), values)
        // Nothing here to suppress: the audit finds it and looks further afield.
        if (cell !== undefined) suppress(cell)
      } else if (unknown.length >= 2 && known[relation.total]) {
        const sum = relation.parts.filter((cell) => !known[cell]).reduce((s, cell) => s + values[cell]!, 0)
        if (sum === 0 || sum > threshold) continue
        const cell =
          smallest(relation.parts.filter(candidate), values) ??
          smallest(workedOutFrom(relation.members, relations, knowledge, candidate), values)
        if (cell !== undefined) suppress(cell)
      }
    }
  }
}

/**
 * The published figures the given cells were worked out from, nearest first: suppressing one
 * makes the unpublished count it gave away unknown again.
 */
function workedOutFrom(
  cells: readonly number[],
  relations: readonly Relation[],
  { known, reason }: Knowledge,
  candidate: (cell: number) => boolean,
): number[] {
  const seen = new Set<number>()
  let frontier = cells.filter((cell) => known[cell] && reason[cell]! >= 0)
  while (frontier.length > 0) {
    const found: number[] = []
    const next: number[] = []
    for (const cell of frontier) {
      if (seen.has(cell)) continue
      seen.add(cell)
      for (const member of relations[reason[cell]!]!.members) {
        if (candidate(member)) found.push(member)
        else if (known[member] && reason[member]! >= 0 && !seen.has(member)) next.push(member)
      }
    }
    if (found.length > 0) return found
    frontier = next
  }
  return []
}

/**
 * What anyone can work out by subtraction alone: start from the published cells, and whenever a
 * relation has one unknown member that may be learnt, learn it. Cheap, and it leaves the linear
 * algebra only the cells that subtraction cannot reach.
 */
function liveKnowledge(
  relations: readonly Relation[],
  relationsOf: readonly number[][],
  state: readonly Suppression[],
  learnable: (cell: number) => boolean,
): LiveKnowledge {
  const size = state.length
  const known = new Uint8Array(size)
  const reason = new Int32Array(size).fill(-1)
  for (let cell = 0; cell < size; cell++) if (state[cell] === null || state[cell] === undefined) known[cell] = 1
  const queued = new Uint8Array(relations.length)
  const queue: number[] = []
  const enqueue = (cell: number) => {
    for (const r of relationsOf[cell]!) {
      if (!queued[r]) {
        queued[r] = 1
        queue.push(r)
      }
    }
  }
  const run = () => {
    while (queue.length > 0) {
      const r = queue.pop()!
      queued[r] = 0
      let unknown = -1
      let count = 0
      for (const cell of relations[r]!.members) {
        if (known[cell]) continue
        count++
        unknown = cell
        if (count > 1) break
      }
      if (count !== 1 || !learnable(unknown)) continue
      known[unknown] = 1
      reason[unknown] = r
      enqueue(unknown)
    }
  }
  // Only a relation with a cell that may be learnt can teach anything.
  for (let cell = 0; cell < size; cell++) if (!known[cell] && learnable(cell)) enqueue(cell)
  run()
  return {
    known,
    reason,
    forget(cell) {
      known[cell] = 0
      reason[cell] = -1
      // Whatever was worked out through a relation of a forgotten cell is forgotten too; the
      // relations of every forgotten cell are then tried again.
      const stack = [cell]
      while (stack.length > 0) {
        const x = stack.pop()!
        enqueue(x)
        for (const r of relationsOf[x]!) {
          for (const member of relations[r]!.members) {
            if (member !== x && known[member] && reason[member] === r) {
              known[member] = 0
              reason[member] = -1
              stack.push(member)
            }
          }
        }
      }
      run()
    },
  }
}

/**
 * Step 3, the audit: every way a primary count (suppressed, or unpublished and small) could be
 * worked out from the published figures, the relations and the public lower bounds (1 on a
 * suppressed count, 0 on an unpublished one). Also used by the tests, beside independent checks
 * of their own.
 */
export function findDisclosures(table: SdcTable, state: readonly Suppression[], options: SdcOptions): Disclosure[] {
  const threshold = checkThreshold(options.threshold)
  return audit(table, normaliseRelations(table), unpublishedCells(table), state, threshold)
}

function audit(
  table: SdcTable,
  relations: readonly Relation[],
  unpublished: readonly boolean[],
  state: readonly Suppression[],
  threshold: number,
  movable = new Set<number>(),
): Disclosure[] {
  const { values } = table
  const hidden = (cell: number) => (state[cell] !== null && state[cell] !== undefined) || unpublished[cell] === true
  const protectedCell = (cell: number) =>
    unpublished[cell] ? values[cell]! >= 1 && values[cell]! <= threshold : state[cell] === 'primary'
  const mayBeZero = cellGroups(values.length, table.zeroGroups ?? []).map((groups) => groups.length > 0)
  const lowerBound = (cell: number) => (unpublished[cell] || mayBeZero[cell] ? 0 : 1)
  const disclosures: Disclosure[] = []

  // Subtraction first: what it gives away is known, whatever the bounds.
  const relationsOf = cellRelations(values.length, relations)
  const view: Suppression[] = values.map((_, cell) => (hidden(cell) ? 'secondary' : null))
  const { known } = liveKnowledge(relations, relationsOf, view, () => true)
  const isKnown = (cell: number) => known[cell] === 1

  // Equations over the cells still unknown only; split into independent groups of cells.
  const unknownCell = (cell: number) => hidden(cell) && !isKnown(cell)
  const equations = relations.filter((r) => r.members.some(unknownCell))
  const groups = new UnionFind(values.length)
  for (const relation of equations) {
    const cells = relation.members.filter(unknownCell)
    for (const cell of cells.slice(1)) groups.union(cells[0]!, cell)
  }
  const byGroup = new Map<number, { cells: number[]; equations: Relation[] }>()
  for (let cell = 0; cell < values.length; cell++) {
    if (!unknownCell(cell)) continue
    const root = groups.find(cell)
    if (!byGroup.has(root)) byGroup.set(root, { cells: [], equations: [] })
    byGroup.get(root)!.cells.push(cell)
  }
  for (const relation of equations)
    byGroup.get(groups.find(relation.members.find(unknownCell)!))!.equations.push(relation)

  const fixedCells = new Set<number>()
  const heldCells = new Set<number>()
  const atBound = (cell: number) => values[cell] === lowerBound(cell)
  for (const group of byGroup.values()) {
    // Cells on their lower bound go last, so that they tend to be the free unknowns of the reduced
    // system: each vector of its basis then lowers none of them but its own.
    const cells = [...group.cells.filter((cell) => !atBound(cell)), ...group.cells.filter(atBound)]
    const system = reduce(relationMatrix(cells, group.equations), cells.length)
    let basis: number[][] | undefined
    const basisOf = () => (basis ??= nullSpace(system))
    const room = cells.map((cell) => values[cell]! - lowerBound(cell))
    const pinned = pinnedAtLowerBound(cells, basisOf, room)
    for (const cell of pinned) fixedCells.add(cell)
    // Once the pinned cells are known, the relations may fix others.
    const unknown = pinned.size ? cells.filter((cell) => !pinned.has(cell)) : cells
    const fixed = pinned.size
      ? determinedColumns(relationMatrix(unknown, group.equations), unknown.length)
      : fixedColumns(system)
    unknown.forEach((cell, i) => {
      if (fixed[i]) fixedCells.add(cell)
    })
    const open = cells.filter((cell) => protectedCell(cell) && !fixedCells.has(cell) && !movable.has(cell))
    if (open.length > 0) for (const cell of heldWithinOne(cells, basisOf(), room, open, movable)) heldCells.add(cell)
  }
  const workedOut = (cell: number) => isKnown(cell) || fixedCells.has(cell)
  for (let cell = 0; cell < values.length; cell++) {
    if (hidden(cell) && (workedOut(cell) || heldCells.has(cell)) && protectedCell(cell))
      disclosures.push({ kind: 'pinned', cell })
  }

  // A published (or worked-out) total less its known parts is the sum of the rest.
  relations.forEach((relation, index) => {
    if (hidden(relation.total) && !workedOut(relation.total)) return
    const cells = relation.parts.filter((part) => hidden(part) && !workedOut(part))
    if (cells.length === 0) return
    const sum = cells.reduce((s, cell) => s + values[cell]!, 0)
    if (sum >= 1 && sum <= threshold) disclosures.push({ kind: 'small-sum', relation: index, cells, sum })
  })
  return disclosures
}

/**
 * Unknown cells sitting on their public lower bound (1 for a suppressed count, 0 for an
 * unpublished one) can only be thought larger, never smaller. Such a cell is pinned when no
 * change d of the unknown cells that keeps every relation (A d = 0) and never lowers a cell on
 * its bound (d_i >= 0 there) can raise it. Those changes form a cone, so the sum of changes that
 * raise some cells raises all of them at once; any other cell is then fixed exactly when the
 * relations fix it once the pinned cells are known (the cone spans the rest).
 *
 * The changes that keep every relation are the combinations d = N z of a basis N of the
 * solutions of A d = 0. A basis vector (or its opposite) that lowers no cell on its bound raises
 * every such cell where it is positive: that settles most cells. For the rest (set U), one
 * linear programme over z: maximise the sum of s_i over U, with 0 <= s_i <= 1 and s_i <= (N z)_i.
 * The cells settled first need no constraint: adding enough of their raising change to any
 * solution keeps them from being lowered.
 */
function pinnedAtLowerBound(cells: readonly number[], basisOf: () => number[][], room: readonly number[]) {
  const pinned = new Set<number>()
  const tight = cells.map((_, i) => (room[i] === 0 ? i : -1)).filter((i) => i >= 0)
  if (tight.length === 0) return pinned

  const basis = basisOf()
  const raisable = new Set<number>()
  for (const vector of basis) {
    for (const sign of [1, -1]) {
      if (tight.every((i) => sign * vector[i]! >= -1e-9)) {
        for (const i of tight) if (sign * vector[i]! > 1e-9) raisable.add(i)
      }
    }
  }
  const open = tight.filter((i) => !raisable.has(i))
  if (open.length === 0) return pinned

  // Variables: z = p - q (p, q >= 0) per basis vector, then s per open cell.
  const k = basis.length
  const count = 2 * k + open.length
  const constraints: number[][] = []
  const bounds: number[] = []
  open.forEach((i, j) => {
    const row = new Array<number>(count).fill(0)
    basis.forEach((vector, b) => {
      row[b] = -vector[i]!
      row[k + b] = vector[i]!
    })
    row[2 * k + j] = 1
    constraints.push(row)
    bounds.push(0)
    const cap = new Array<number>(count).fill(0)
    cap[2 * k + j] = 1
    constraints.push(cap)
    bounds.push(1)
  })
  const objective = new Array<number>(count).fill(0)
  open.forEach((_, j) => (objective[2 * k + j] = 1))
  const { x } = maximiseFromOrigin(objective, constraints, bounds)
  open.forEach((i, j) => {
    if (x[2 * k + j]! < 0.5) pinned.add(cells[i]!)
  })
  return pinned
}

/**
 * Counts are whole numbers, so a protected count is safe only if the published figures, the
 * relations and the lower bounds leave it room to be at least 1 more or 1 less than it is: one
 * that can only move by a fraction (between 1 and 1.5, say) can only be what it is. Returns the
 * cells of `open` that cannot move by 1 either way; `cells[j]` is `room[j]` above its lower bound.
 * Every cell that a change found moves by 1 or more goes into `movable`.
 *
 * A step along one basis vector of the changes that keep every relation settles most cells: go
 * as far as the cells it lowers have room for, and every cell it then moves by 1 can move by 1.
 * A linear programme per cell left (`stepOfOne`) settles the rest exactly.
 */
function heldWithinOne(
  cells: readonly number[],
  basis: readonly (readonly number[])[],
  room: readonly number[],
  open: readonly number[],
  movable: Set<number>,
) {
  const moved = (change: readonly number[], scale: number) =>
    change.forEach((d, j) => {
      if (Math.abs(d) * scale >= 1 - 1e-7) movable.add(cells[j]!)
    })
  for (const vector of basis) {
    for (const sign of [1, -1]) {
      let scale = Infinity
      vector.forEach((d, j) => {
        if (sign * d < 0) scale = Math.min(scale, room[j]! / -(sign * d))
      })
      moved(vector, scale)
    }
  }
  const column = new Map(cells.map((cell, j) => [cell, j]))
  const held: number[] = []
  for (const cell of open) {
    if (movable.has(cell)) continue
    const j = column.get(cell)!
    const change = stepOfOne(basis, room, j, 1) ?? (room[j]! >= 1 ? stepOfOne(basis, room, j, -1) : null)
    if (change) moved(change, 1)
    else held.push(cell)
  }
  return held
}

/** The relations as equations over the cells given (`total - sum of parts = constant`). */
function relationMatrix(cells: readonly number[], equations: readonly Relation[]) {
  const column = new Map(cells.map((cell, i) => [cell, i]))
  return equations.map((relation) => {
    const row = new Array<number>(cells.length).fill(0)
    if (column.has(relation.total)) row[column.get(relation.total)!] = 1
    for (const part of relation.parts) if (column.has(part)) row[column.get(part)!] = row[column.get(part)!]! - 1
    return row
  })
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

/** Which cells are never published, by cell. */
function unpublishedCells(table: SdcTable): boolean[] {
  return cellFlags(table.values.length, table.unpublished ?? [], 'leave unpublished')
}

function cellGroups(size: number, groups: readonly (readonly number[])[]) {
  const of: number[][] = Array.from({ length: size }, () => [])
  groups.forEach((group, g) => {
    for (const cell of group) {
      if (!Number.isInteger(cell) || cell < 0 || cell >= size) throw new RangeError(`No cell ${cell} to group.`)
      of[cell]!.push(g)
    }
  })
  return of
}

function cellFlags(size: number, cells: readonly number[], what: string): boolean[] {
  const flags = new Array<boolean>(size).fill(false)
  for (const cell of cells) {
    if (!Number.isInteger(cell) || cell < 0 || cell >= size) throw new RangeError(`No cell ${cell} to ${what}.`)
    flags[cell] = true
  }
  return flags
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
