import { describe, expect, test } from 'vitest'
import {
  checkFigures,
  type Figure,
  FigureRowSchema,
  FigureValueSchema,
  median,
  monthProblem,
  unusualValue,
} from '#app/returns/rules.ts'

const THERAPY = [
  'referrals',
  'self_referrals',
  'started',
  'started_within_18_weeks',
  'completed',
  'proms_paired',
  'proms_at_caseness',
  'proms_recovered',
  'proms_reliably_improved',
]
const applies = new Map([
  ['ccbt-adults', new Set(THERAPY)],
  ['video-1to1', new Set(['sessions'])],
])
const measures = new Map(
  [...THERAPY, 'sessions'].map((name) => [
    name,
    { name, label: name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), maxMonthlyValue: 20_000 },
  ]),
)
const serviceNames = new Map([
  ['ccbt-adults', 'cCBT Adults'],
  ['video-1to1', 'Video 1:1'],
])
const check = (figures: Figure[]) => checkFigures({ figures, applies, measures, serviceNames })
const fig = (measure: string, value: number | null, service = 'ccbt-adults'): Figure => ({ service, measure, value })

describe('a figure as typed', () => {
  test.each([
    ['120', 120],
    ['1,204', 1204],
    // Thousands split by a space, a non-breaking space or a narrow one, as spreadsheets write them.
    ['1 204', 1204],
    ['1\u00a0204', 1204],
    ['1\u202f204', 1204],
    ['1,234,567', 1234567],
    ['-0', 0],
    [' 7 ', 7],
    ['0', 0],
    ['', null],
  ])('%j is %j', (text, expected) => {
    expect(FigureValueSchema.parse(text)).toBe(expected)
  })
  test.each([
    ['twelve', /is not a number/],
    ['12.5', /not a whole number/],
    // Never read as another number: 12,34 is not 1234, and 1.000 may mean 1,000.
    ['12,34', /“12,34” is not a whole number as written: separate thousands in groups of three/],
    ['1,2345', /groups of three/],
    ['1,234 567', /groups of three/],
    ['123,', /groups of three/],
    ['1.000', /“1.000” is not a whole number as written: .* without a decimal point/],
    ['99999999999999999999', /too large/],
    ['-3', /negative/],
    ['=1+1', /is not a number/],
    ['1e3', /is not a number/],
  ])('%j is refused: %s', (text, message) => {
    const result = FigureValueSchema.safeParse(text)
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.message).toMatch(message)
  })
  test('an upload row names its month, board, service and measure', () => {
    expect(
      FigureRowSchema.parse({
        month: '2026-10',
        board_code: 's08000024',
        service: 'CCBT-Adults',
        measure: 'Referrals',
        value: '12',
        comment: '',
      }),
    ).toEqual({
      month: '2026-10',
      board_code: 'S08000024',
      service: 'ccbt-adults',
      measure: 'referrals',
      value: 12,
      comment: null,
      breakdown: '',
    })
    expect(
      FigureRowSchema.safeParse({ month: '2026-13', board_code: 'S08000024', service: 'x', measure: 'y', value: '1' })
        .success,
    ).toBe(false)
  })
})

describe('the rules within one board-month', () => {
  test('parts may equal but not exceed their wholes', () => {
    expect(check([fig('referrals', 10), fig('self_referrals', 10)])).toEqual([])
    const problems = check([fig('referrals', 10), fig('self_referrals', 11)])
    expect(problems).toEqual([
      expect.objectContaining({ measure: 'self_referrals', rule: 'part-of-whole', severity: 'error' }),
    ])
    expect(problems[0]!.message).toBe('Self referrals (11) cannot be more than referrals (10) for cCBT Adults')
  })
  test.each([
    ['started_within_18_weeks', 'started'],
    ['proms_at_caseness', 'proms_paired'],
    ['proms_recovered', 'proms_at_caseness'],
    ['proms_reliably_improved', 'proms_paired'],
  ])('%s may not exceed %s', (part, whole) => {
    // The rest of the chain is present and consistent, so only this rule can fire.
    const context = [fig('proms_paired', 100), fig('started', 100)].filter((f) => f.measure !== whole)
    expect(check([...context, fig(whole, 5), fig(part, 6)])).toEqual([
      expect.objectContaining({ measure: part, rule: 'part-of-whole' }),
    ])
    expect(check([...context, fig(whole, 6), fig(part, 6)])).toEqual([])
  })
  test('a part without its whole asks for both', () => {
    expect(check([fig('referrals', null), fig('self_referrals', 4)])).toEqual([
      expect.objectContaining({ measure: 'referrals', rule: 'part-of-whole' }),
    ])
  })
  test('a measure that does not apply to the service is refused', () => {
    expect(check([fig('referrals', 3, 'video-1to1')])).toEqual([
      expect.objectContaining({ rule: 'not-applicable', message: 'Referrals does not apply to Video 1:1' }),
    ])
  })
  test('a value above the sanity cap is refused', () => {
    expect(check([fig('sessions', 20_001, 'video-1to1')])).toEqual([expect.objectContaining({ rule: 'cap' })])
    expect(check([fig('sessions', 20_000, 'video-1to1')])).toEqual([])
  })
  test('months before the programme or not yet ended are refused', () => {
    expect(monthProblem('2021-03', '2026-10')).toMatch(/before the programme began in April 2021/)
    expect(monthProblem('2026-11', '2026-10')).toMatch(/has not ended yet/)
    expect(monthProblem('2021-04', '2026-10')).toBeNull()
    expect(monthProblem('2026-10', '2026-10')).toBeNull()
  })
})

describe('unusual values, by median and median absolute deviation', () => {
  // History worked by hand: sorted 90 95 98 100 100 101 102 103 105 110 -> median 100.5;
  // absolute deviations sorted 0.5 0.5 0.5 1.5 2.5 2.5 4.5 5.5 9.5 10.5 -> MAD 2.5.
  const history = [100, 102, 98, 101, 95, 110, 100, 103, 90, 105]
  test('median of an even count is the mean of the middle two', () => {
    expect(median(history)).toBe(100.5)
  })
  test('a value 3.5 scaled deviations away is not flagged; beyond it is, saying which rule fired', () => {
    // 0.6745 * (x - 100.5) / 2.5 = 3.5  =>  x = 113.47
    expect(unusualValue(113, history)).toBeNull()
    const flagged = unusualValue(114, history)
    expect(flagged!.score).toBeCloseTo((0.6745 * 13.5) / 2.5, 10)
    expect(flagged!.message).toMatch(
      /^Much higher than usual: 114 against a median of 100.5 over the previous 10 months \(rule: robust z-score 3.6/,
    )
    expect(unusualValue(87, history)!.message).toMatch(/^Much lower than usual/)
  })
  test('one wild month in the history does not hide the next outlier (a mean and SD rule would)', () => {
    // With the data break of 1,000 the mean is about 190 and the SD about 285: 200 would pass.
    const broken = [100, 102, 98, 101, 95, 1_000, 100, 103, 90, 105]
    expect(unusualValue(200, broken)).not.toBeNull()
  })
  test('too little history makes no judgement', () => {
    expect(unusualValue(1_000, [1, 2, 3, 4, 5])).toBeNull()
  })
  test('a history that never varies flags a change of more than half its level', () => {
    // Half of 20 is 10: a gap of 11 is flagged, a gap of exactly 10 is not.
    expect(unusualValue(31, [20, 20, 20, 20, 20, 20])!.message).toMatch(/did not vary/)
    expect(unusualValue(30, [20, 20, 20, 20, 20, 20])).toBeNull()
    expect(unusualValue(9, [20, 20, 20, 20, 20, 20])!.message).toMatch(/^Much lower/)
  })
})
