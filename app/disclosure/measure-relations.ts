// Relations between measures that disclosure control must respect (docs/decisions/0012): figures
// of one unit and period that add up. A part-of-whole pair (self-referrals within referrals)
// implies a third count nobody publishes, the rest (referrals that were not self-referrals): two
// published figures give it away by subtraction, so it is protected like a published count.
// Breakdown categories that add up to their measure's total (SIMD quintiles and unknown) are the
// same kind of relation with every part published and no rest.
import { PART_OF_WHOLE } from '#app/domain/measures.ts'

/** `total = sum of parts (+ rest)` in every unit and period. Names are measures (or categories). */
export interface MeasureRelation {
  total: string
  parts: readonly string[]
  /**
   * The rest, total less the parts: a count never published, protected when it is from 1 to the
   * threshold. Absent when the parts are the whole of the total (categories of a breakdown).
   */
  rest?: string
}

/** The name of the rest of a part-of-whole pair: 'started-not-started_within_18_weeks'. */
export function restName(whole: string, part: string) {
  return `${whole}-not-${part}`
}

/** The part-of-whole relations among the measures given: a pair counts when both are there. */
export function partOfWholeRelations(measures: Iterable<string>): MeasureRelation[] {
  const names = new Set(measures)
  return PART_OF_WHOLE.filter(({ part, whole }) => names.has(part) && names.has(whole)).map(({ part, whole }) => ({
    total: whole,
    parts: [part],
    rest: restName(whole, part),
  }))
}

/**
 * The measures linked by relations, each group with the rests of its relations: disclosure
 * control works on one group at a time (a measure on its own is a group of one), so a measure
 * outside every relation is protected exactly as it would be alone.
 */
export function relatedGroups(measures: readonly string[], relations: readonly MeasureRelation[]) {
  const parent = new Map(measures.map((m) => [m, m]))
  const find = (m: string): string => {
    let root = m
    while (parent.get(root) !== root) root = parent.get(root)!
    return root
  }
  const usable = relations.filter((r) => [r.total, ...r.parts].every((m) => parent.has(m)))
  for (const relation of usable) {
    for (const part of relation.parts) {
      const a = find(relation.total)
      const b = find(part)
      if (a !== b) parent.set(b, a)
    }
  }
  const groups = new Map<string, { measures: string[]; relations: MeasureRelation[] }>()
  for (const measure of measures) {
    const root = find(measure)
    if (!groups.has(root)) groups.set(root, { measures: [], relations: [] })
    groups.get(root)!.measures.push(measure)
  }
  for (const relation of usable) groups.get(find(relation.total))!.relations.push(relation)
  return [...groups.values()]
}

/** The measures given and every measure related to them: what a pattern of suppression depends on. */
export function withRelatedMeasures(
  wanted: Iterable<string>,
  available: readonly string[],
  relations: readonly MeasureRelation[] = partOfWholeRelations(available),
): Set<string> {
  const set = new Set(wanted)
  for (const group of relatedGroups(available, relations)) {
    if (group.measures.some((m) => set.has(m))) for (const m of group.measures) set.add(m)
  }
  return set
}
