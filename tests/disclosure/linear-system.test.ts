// The linear algebra of the disclosure-control audit, on systems small enough to work by hand.
import { describe, expect, test } from 'vitest'
import { nullSpace, reduce, stepOfOne } from '#app/disclosure/linear-system.ts'

describe('a step of one', () => {
  // One relation, t = a + b, over the unknowns (t, a, b). The changes that keep it are the
  // combinations of (1, 1, 0) and (1, 0, 1). Here t may fall by at most 0.5 and a, b by 5.
  const basis = nullSpace(reduce([[1, -1, -1]], 3))
  const room = [0.5, 5, 5]
  const keepsRelation = (d: number[]) => expect(d[0]! - d[1]! - d[2]!).toBeCloseTo(0, 9)

  test('the basis is the two changes worked out by hand', () => {
    expect(basis).toEqual([
      [1, 1, 0],
      [1, 0, 1],
    ])
  })

  test('a rises by 1 with t', () => {
    const d = stepOfOne(basis, room, 1, 1)!
    keepsRelation(d)
    expect(d[1]).toBeCloseTo(1, 9)
    expect(d[0]).toBeGreaterThanOrEqual(-0.5 - 1e-9)
  })

  test('a falls by 1 only with b rising in its place, since t has room for half of it', () => {
    const d = stepOfOne(basis, room, 1, -1)!
    keepsRelation(d)
    expect(d[1]).toBeCloseTo(-1, 9)
    expect(d[0]).toBeGreaterThanOrEqual(-0.5 - 1e-9)
    expect(d[2]).toBeGreaterThanOrEqual(0.5 - 1e-9)
  })

  test('t cannot fall by 1: its room is half of that, whatever a and b do', () => {
    expect(stepOfOne(basis, room, 0, -1)).toBeNull()
    expect(stepOfOne(basis, room, 0, 1)).not.toBeNull()
  })
})
