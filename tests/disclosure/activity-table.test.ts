// A kept suppression pattern, applied again to the figures it was worked out from, publishes
// exactly what working it out afresh publishes: the export keeps patterns, not figures.
import { fc, test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { buildServiceBlock, type MonthFigure } from '#app/disclosure/activity-table.ts'
import { periodsBetween } from '#app/domain/periods.ts'
import { monthRange } from '#app/utils/dates.ts'

const YEAR = '2025-04'
const MONTHS = monthRange('2025-04', '2026-03')
const UNITS = [1, 2, 3].map((id) => ({ id, code: `B${id}`, name: `Board ${id}` }))
const SCOTLAND = { id: 9, code: 'S', name: 'Scotland' }
const MEASURES = [
  { id: 1, name: 'started' },
  { id: 2, name: 'started_within_18_weeks' },
]
const PERIODS = (['month', 'fq', 'fy'] as const).flatMap((grain) => periodsBetween('2025-04', '2026-03', grain))

/** Started and within 18 weeks of each board and month: small numbers often, blanks sometimes. */
const figuresArbitrary = fc
  .array(fc.tuple(fc.option(fc.integer({ min: 0, max: 30 }), { freq: 8 }), fc.integer({ min: 0, max: 6 })), {
    minLength: UNITS.length * MONTHS.length,
    maxLength: UNITS.length * MONTHS.length,
  })
  .map((pairs) =>
    pairs.flatMap(([started, waitedLonger], i): MonthFigure[] => {
      const unitId = UNITS[i % UNITS.length]!.id
      const month = MONTHS[Math.floor(i / UNITS.length)]!
      const within = started === null ? null : Math.max(0, started - waitedLonger)
      const base = { unitId, month, provisional: false, revised: false }
      return [
        { ...base, measureId: 1, value: started },
        { ...base, measureId: 2, value: within },
      ]
    }),
  )

test.prop([figuresArbitrary, fc.integer({ min: 1, max: 9 })], { numRuns: 40 })(
  'a kept pattern applied to the same figures publishes exactly what disclosure control worked out',
  (figures, threshold) => {
    const input = {
      yearStart: YEAR,
      units: UNITS,
      total: SCOTLAND,
      measures: MEASURES,
      figures,
      expected: () => true,
      sdc: { threshold },
    }
    const fresh = buildServiceBlock(input)
    const again = buildServiceBlock({ ...input, pattern: fresh.pattern })
    expect(again.pattern).toEqual(fresh.pattern)
    for (const unit of [...UNITS, SCOTLAND]) {
      for (const period of PERIODS) {
        for (const { name } of MEASURES)
          expect(again.figure(name, unit.id, period)).toEqual(fresh.figure(name, unit.id, period))
        expect(again.rate('started_within_18_weeks', 'started', unit.id, period)).toEqual(
          fresh.rate('started_within_18_weeks', 'started', unit.id, period),
        )
      }
    }
  },
)

test('the pattern names the suppressed cells, and is empty without disclosure control', () => {
  const figures: MonthFigure[] = MONTHS.flatMap((month) =>
    UNITS.map((u) => ({
      unitId: u.id,
      measureId: 1,
      month,
      value: u.id === 1 && month === YEAR ? 2 : 50,
      provisional: false,
      revised: false,
    })),
  )
  const input = {
    yearStart: YEAR,
    units: UNITS,
    total: SCOTLAND,
    measures: [MEASURES[0]!],
    figures,
    expected: () => true,
  }
  const block = buildServiceBlock({ ...input, sdc: { threshold: 4 } })
  // Board 1's April (measure 0, row 0, slot 0) is the primary; others go with it to protect it.
  expect([...block.pattern]).toContain(0)
  expect(block.figure('started', 1, PERIODS[0]!)).toEqual({ value: null, qualifier: 'c' })
  expect(buildServiceBlock({ ...input, sdc: null }).pattern).toHaveLength(0)
})
