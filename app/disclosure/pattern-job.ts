// Disclosure control of one service in one financial year as plain data, so that it can be
// worked out on a work thread (app/utils/threads.server.ts) and give the same pattern as here.
import { addMonths, monthRange } from '#app/utils/dates.ts'
import { buildServiceBlock, type ServiceBlockInput, type SuppressionPattern } from './activity-table.ts'

/** A service-year's figures and what they are protected with; `expected` lists the unit-months a figure is due in. */
export interface PatternJob extends Omit<ServiceBlockInput, 'expected' | 'pattern' | 'settled' | 'sdc'> {
  sdc: { threshold: number }
  expected: string[]
}

const unitMonth = (unitId: number, month: string) => `${unitId} ${month}`

export function patternJob(input: Omit<ServiceBlockInput, 'sdc'> & { sdc: { threshold: number } }): PatternJob {
  if (input.settled) throw new Error('A pattern job carries no figures decided elsewhere.')
  const months = monthRange(input.yearStart, addMonths(input.yearStart, 11))
  const { expected, pattern: _, ...rest } = input
  return {
    ...rest,
    expected: input.units.flatMap((unit) =>
      months.filter((month) => expected(unit.id, month)).map((month) => unitMonth(unit.id, month)),
    ),
  }
}

export function workOutPattern(job: PatternJob): SuppressionPattern {
  const expected = new Set(job.expected)
  return buildServiceBlock({ ...job, expected: (unitId, month) => expected.has(unitMonth(unitId, month)) }).pattern
}
