import { describe, expect, test } from 'vitest'
import { lastCompleteMonth, monthRange } from '#app/utils/dates.ts'
import { demoAnnotations, demoBoardLeadEmail, demoQueries, demoReturnStates, generateDemoValues } from '#seed/demo.ts'
import { readReferenceData } from '#seed/reference.ts'

const reference = readReferenceData()

describe('the demo generator', () => {
  test("a month's figures are the same whatever day they are generated on", () => {
    const early = generateDemoValues(reference, '2025-06').filter((v) => v.month === '2025-06')
    const later = generateDemoValues(reference, '2026-10').filter((v) => v.month === '2025-06')
    expect(later).toEqual(early)
    expect(early.length).toBeGreaterThan(100)
  })

  test('parts never exceed their wholes', () => {
    const values = generateDemoValues(reference, lastCompleteMonth(new Date('2026-11-22T12:00:00Z')))
    const get = new Map(values.map((v) => [`${v.code}:${v.service}:${v.month}:${v.measure}`, v.value]))
    const pairs = [
      ['self_referrals', 'referrals'],
      ['started_within_18_weeks', 'started'],
      ['proms_at_caseness', 'proms_paired'],
      ['proms_recovered', 'proms_at_caseness'],
      ['proms_reliably_improved', 'proms_paired'],
    ] as const
    let checked = 0
    for (const v of values) {
      for (const [part, whole] of pairs) {
        if (v.measure !== part) continue
        expect(v.value).toBeLessThanOrEqual(get.get(`${v.code}:${v.service}:${v.month}:${whole}`)!)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(10_000)
    expect(values.every((v) => Number.isInteger(v.value) && v.value >= 0)).toBe(true)
  })

  test('island boards have counts small enough for disclosure control to catch', () => {
    const values = generateDemoValues(reference, '2026-10')
    const small = values.filter((v) => v.code === 'S08000025' && v.value >= 1 && v.value <= 4)
    expect(small.length).toBeGreaterThan(50)
  })

  test('demo account names follow the board names', () => {
    expect(demoBoardLeadEmail('Lothian')).toBe('lead.lothian@demo.scot')
    expect(demoBoardLeadEmail('Greater Glasgow and Clyde')).toBe('lead.greater-glasgow-clyde@demo.scot')
    expect(demoBoardLeadEmail('Dumfries and Galloway')).toBe('lead.dumfries-galloway@demo.scot')
    expect(demoBoardLeadEmail('Ayrshire and Arran')).toBe('lead.ayrshire-arran@demo.scot')
    expect(demoBoardLeadEmail('Western Isles')).toBe('lead.western-isles@demo.scot')
  })

  test('a few events explain the trends: a service going live everywhere, a platform change in the largest board', () => {
    // availability.csv: cCBT Long-Term Conditions and cCBT Perinatal both went live in all 14
    // boards in 2022-04 (ties go to the first slug); Greater Glasgow and Clyde (1,185,000) is the
    // most populous board; 30 months after 2021-04 is 2023-10.
    expect(demoAnnotations(reference, '2026-10')).toEqual([
      {
        eventDate: '2022-04-01',
        code: null,
        service: 'ccbt-ltc',
        text: 'cCBT Long-Term Conditions went live in every board',
        rebase: false,
      },
      {
        eventDate: '2023-10-02',
        code: 'S08000031',
        service: null,
        text: 'Moved to the new referral platform: referrals are now counted when accepted, not when received',
        rebase: true,
      },
    ])
    // Nothing from the future: by 2022-06 only the launch has happened.
    expect(demoAnnotations(reference, '2022-06').map((a) => a.eventDate)).toEqual(['2022-04-01'])
  })

  test('one open and one answered query, on two boards’ returns of the latest month, the same on every run', () => {
    const now = new Date('2026-11-29T12:00:00Z')
    const boards = reference.orgUnits.filter((u) => u.kind === 'board').map((u) => u.code)
    const states = demoReturnStates([...boards, 'S92000003'], monthRange('2025-01', '2026-10'), now, 15)
    const values = generateDemoValues(reference, '2026-10')
    const queries = demoQueries(states, values, boards, now)
    expect(demoQueries(states, values, boards, now)).toEqual(queries)
    expect(queries.map((q) => q.answer === null)).toEqual([true, false])
    const [open, answered] = queries as [(typeof queries)[number], (typeof queries)[number]]
    expect(open.code).not.toBe(answered.code)
    expect([open.month, answered.month]).toEqual(['2026-10', '2026-10'])
    // Both are on returns that exist, asked after the return came in and answered after that.
    for (const q of queries) {
      const state = states.find((s) => s.code === q.code && s.month === q.month)!
      expect(q.question.at.getTime()).toBeGreaterThan((state.submittedAt ?? state.savedAt).getTime())
      if (q.answer) expect(q.answer.at.getTime()).toBeGreaterThan(q.question.at.getTime())
      expect((q.answer ?? q.question).at.getTime()).toBeLessThanOrEqual(now.getTime())
    }
    // The open query quotes the return's own referrals and those of the year before.
    const referrals = (month: string) =>
      values
        .find(
          (v) => v.code === open.code && v.service === 'ccbt-adults' && v.month === month && v.measure === 'referrals',
        )!
        .value.toLocaleString('en-GB')
    expect(open.question.body).toContain(`were ${referrals('2026-10')} this month against ${referrals('2025-10')}`)
  })
})
