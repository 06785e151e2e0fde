// Demo breakdowns by SIMD quintile, age band and sex, shaped like the published gradients:
// referrals and treatment higher among people in the most deprived quintiles (about one and a
// half times the least deprived rate), recovery lower there (about 38% against 55%), more women
// than men, and mostly working-age adults. Each breakdown adds up exactly to its total.
import { addMonths } from '#app/utils/dates.ts'
import type { ReferenceData } from './reference.ts'
import { type DemoValue, uniform } from './demo.ts'

/** The services whose demo figures carry breakdowns, and from when. */
const SERVICES = new Set(['ccbt-adults', 'ccbt-cyp', 'iecbt'])
export const DEMO_BREAKDOWNS_FROM = '2022-04'

/** Activity relative to population, most to least deprived (referrals, started, completed). */
const SIMD_ACTIVITY = [1.5, 1.25, 1.0, 0.85, 0.75]
/** Recovery among people at caseness, most to least deprived. */
const SIMD_RECOVERY = [0.38, 0.44, 0.48, 0.52, 0.55]
/** Activity relative to population by age band, 0-17 to 65+, for adult services and for young people's. */
const AGE_ACTIVITY: Record<string, number[]> = {
  adult: [0, 1.5, 1.5, 1.25, 1.0, 0.75, 0.3],
  'ccbt-cyp': [1, 0.03, 0, 0, 0, 0, 0],
}
const FEMALE_ACTIVITY = 1.7
const UNKNOWN_SHARE: Record<string, number> = { simd: 0.03, age: 0.01, sex: 0.005 }

export interface DemoBreakdown {
  code: string
  service: string
  month: string
  measure: string
  dimension: string
  category: string
  value: number
}

/**
 * Splits `total` in proportion to `weights` with a little month-to-month noise, by largest
 * remainders, never giving a category more than its `cap`.
 */
function allocate(total: number, weights: number[], key: string, caps?: number[]) {
  const noisy = weights.map((w, i) => w * (1 + 0.08 * (uniform(`${key}:${i}`) - 0.5) * 2))
  const result = weights.map(() => 0)
  let left = total
  let open = noisy.map((w, i) => (w > 0 && (caps?.[i] ?? Infinity) > 0 ? i : -1)).filter((i) => i >= 0)
  // Caps can bind, so hand out what is left among the categories with room until none is left.
  while (left > 0 && open.length > 0) {
    const sum = open.reduce((s, i) => s + noisy[i]!, 0)
    const exact = open.map((i) => ({ i, share: (left * noisy[i]!) / sum }))
    let given = 0
    for (const { i, share } of exact) {
      const add = Math.min(Math.floor(share), (caps?.[i] ?? Infinity) - result[i]!)
      result[i]! += add
      given += add
    }
    const byRemainder = exact.sort((a, b) => b.share - Math.floor(b.share) - (a.share - Math.floor(a.share)))
    for (const { i } of byRemainder) {
      if (given >= left) break
      if (result[i]! < (caps?.[i] ?? Infinity)) {
        result[i]!++
        given++
      }
    }
    left -= given
    open = open.filter((i) => result[i]! < (caps?.[i] ?? Infinity))
    if (given === 0) break
  }
  return result
}

export function generateDemoBreakdowns(reference: ReferenceData, values: DemoValue[]): DemoBreakdown[] {
  const splits = new Set(reference.breakdowns.map((b) => `${b.service}|${b.measure}|${b.dimension}`))
  const categories = new Map<string, string[]>()
  for (const c of reference.breakdownCategories) {
    if (!categories.has(c.dimension)) categories.set(c.dimension, [])
    categories.get(c.dimension)!.push(c.category)
  }
  const simdPopulation = new Map<string, number[]>()
  for (const p of reference.simdPopulations) {
    const list = simdPopulation.get(p.code) ?? [0, 0, 0, 0, 0]
    const index = Number(p.simd_quintile) - 1
    if (index >= 0 && index < 5) list[index]! += p.population
    simdPopulation.set(p.code, list)
  }
  const ageBands = (categories.get('age') ?? []).filter((c) => c !== 'unknown')
  const agePopulation = new Map<string, number[]>()
  const sexPopulation = new Map<string, number[]>()
  for (const p of reference.ageSexPopulations) {
    const ages = agePopulation.get(p.code) ?? ageBands.map(() => 0)
    ages[ageBands.indexOf(p.age_band)]! += p.population
    agePopulation.set(p.code, ages)
    const sexes = sexPopulation.get(p.code) ?? [0, 0]
    sexes[p.sex === 'female' ? 0 : 1]! += p.population * (p.sex === 'female' ? FEMALE_ACTIVITY : 1)
    sexPopulation.set(p.code, sexes)
  }

  const byReturn = new Map<string, Map<string, number>>()
  for (const v of values) {
    if (!SERVICES.has(v.service) || v.month < DEMO_BREAKDOWNS_FROM) continue
    const key = `${v.code}|${v.month}|${v.service}`
    if (!byReturn.has(key)) byReturn.set(key, new Map())
    byReturn.get(key)!.set(v.measure, v.value)
  }
  const rows: DemoBreakdown[] = []
  for (const [key, measures] of byReturn) {
    const [code, month, service] = key.split('|') as [string, string, string]
    // Every board reports breakdowns, but two island boards began a year later: Scotland's
    // breakdowns are complete, and so published, from April 2023.
    const startsLate = code === 'S08000028' || code === 'S08000026'
    if (startsLate && month < addMonths(DEMO_BREAKDOWNS_FROM, 12)) continue
    const simdWeights = (simdPopulation.get(code) ?? [1, 1, 1, 1, 1]).map((p, i) => p * SIMD_ACTIVITY[i]!)
    const ageActivity = AGE_ACTIVITY[service] ?? AGE_ACTIVITY.adult!
    const ageWeights = (agePopulation.get(code) ?? ageBands.map(() => 1)).map((p, i) => p * ageActivity[i]!)
    const sexWeights = sexPopulation.get(code) ?? [FEMALE_ACTIVITY, 1]
    const weightsOf: Record<string, number[]> = { simd: simdWeights, age: ageWeights, sex: sexWeights }
    const split = (measure: string, dimension: string, caps?: number[]) => {
      const total = measures.get(measure)
      if (total === undefined || !splits.has(`${service}|${measure}|${dimension}`)) return undefined
      const at = `${key}|${measure}|${dimension}`
      const unknown = Math.min(total, Math.round(total * UNKNOWN_SHARE[dimension]! * 2 * uniform(`${at}:unknown`)))
      const known = allocate(total - unknown, weightsOf[dimension]!, at, caps)
      // What caps could not place goes to "not known", so the categories always add up.
      const counts = [...known, total - known.reduce((s, n) => s + n, 0)]
      categories.get(dimension)!.forEach((category, i) =>
        rows.push({ code, service, month, measure, dimension, category, value: counts[i]! }),
      )
      return counts
    }
    for (const dimension of ['simd', 'age', 'sex']) {
      for (const measure of ['referrals', 'started', 'completed']) split(measure, dimension)
      const caseness = split('proms_at_caseness', dimension)
      // Recovered people are among those at caseness: fewer of them recover in the most deprived quintiles.
      const recoveryWeights =
        dimension === 'simd' && caseness
          ? caseness.slice(0, 5).map((n, i) => n * SIMD_RECOVERY[i]!)
          : (caseness?.slice(0, -1) ?? [])
      if (caseness) {
        const total = measures.get('proms_recovered')
        if (total === undefined || !splits.has(`${service}|proms_recovered|${dimension}`)) continue
        const known = allocate(total, recoveryWeights, `${key}|recovered|${dimension}`, caseness.slice(0, -1))
        const counts = [...known, total - known.reduce((s, n) => s + n, 0)]
        categories.get(dimension)!.forEach((category, i) =>
          rows.push({ code, service, month, measure: 'proms_recovered', dimension, category, value: counts[i]! }),
        )
      }
    }
  }
  return rows
}
