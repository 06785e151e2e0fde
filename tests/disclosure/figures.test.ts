// Disclosure control on the dashboards' figures and tiles. Expected values worked out by hand
// from the rule of docs/decisions/0012 (threshold 4).
import { describe, expect, test } from 'vitest'
import { protectFigure, protectTile, shownColumns, SUPPRESSION_NOTE } from '#app/disclosure/figures.ts'
import type { Figure, FigureColumn } from '#app/domain/figure.ts'

function figure(columns: FigureColumn[], rows: Figure['rows']): Figure {
  return {
    id: 'test',
    title: 'Test',
    description: '',
    columns: [{ key: 'period', label: 'Month', kind: 'text' }, ...columns],
    rows,
    notes: [],
    definitions: [],
    fileName: 'test',
  }
}

const column = (key: string, kind: FigureColumn['kind'] = 'count', disclosure?: FigureColumn['disclosure']) => ({
  key,
  label: key,
  kind,
  disclosure,
})

describe('a figure with disclosure control', () => {
  test('a small count is hidden, and so is the smallest other month of its period total', () => {
    // 10 + 3 + 20 = 33 is the period's total: hiding 3 alone would leave 33 - 10 - 20.
    const protectedFigure = protectFigure(
      figure(
        [column('sessions')],
        [
          { period: 'Apr', sessions: 10 },
          { period: 'May', sessions: 3 },
          { period: 'Jun', sessions: 20 },
        ],
      ),
      4,
    )
    expect(protectedFigure.rows.map((r) => r.sessions)).toEqual(['c', 'c', 20])
    expect(protectedFigure.notes).toEqual([SUPPRESSION_NOTE])
  })

  test('nothing small, nothing hidden: zeros and gaps stay as they are, and no note', () => {
    const original = figure(
      [column('sessions')],
      [
        { period: 'Apr', sessions: 0 },
        { period: 'May', sessions: null },
        { period: 'Jun', sessions: 5 },
      ],
    )
    const protectedFigure = protectFigure(original, 4)
    expect(protectedFigure.rows).toEqual(original.rows)
    expect(protectedFigure.notes).toEqual([])
  })

  test('a total of two columns protects its parts across the row as well as down the columns', () => {
    // self + professional = referrals. 3 is hidden; 20 (its row), then 10 (its column), then 30
    // (10's row) go with it. The four hidden cells are a rectangle with a free count: self in
    // April can be anything from 1 to 12, so none is pinned; the totals stay.
    const protectedFigure = protectFigure(
      figure(
        [column('self'), column('professional'), column('referrals', 'count', { sumOf: ['self', 'professional'] })],
        [
          { period: 'Apr', self: 3, professional: 20, referrals: 23 },
          { period: 'May', self: 10, professional: 30, referrals: 40 },
        ],
      ),
      4,
    )
    expect(protectedFigure.rows).toEqual([
      { period: 'Apr', self: 'c', professional: 'c', referrals: 23 },
      { period: 'May', self: 'c', professional: 'c', referrals: 40 },
    ])
  })

  test('a rate goes with either of its counts, even counts the figure does not show, which never leave', () => {
    // Within 18 weeks: 3 is hidden, then 50 (the other part of the period's 53); both rates go.
    const protectedFigure = protectFigure(
      figure(
        [column('started'), column('eighteen_weeks', 'percent', { rateOf: ['within', 'started'] })],
        [
          { period: 'Apr', started: 10, within: 3, eighteen_weeks: 0.3 },
          { period: 'May', started: 60, within: 50, eighteen_weeks: 50 / 60 },
          { period: 'Jun', started: 0, within: 0, eighteen_weeks: null },
        ],
      ),
      4,
    )
    expect(protectedFigure.rows).toEqual([
      { period: 'Apr', started: 10, eighteen_weeks: 'c' },
      { period: 'May', started: 60, eighteen_weeks: 'c' },
      { period: 'Jun', started: 0, eighteen_weeks: null },
    ])
  })

  test('a rate per population goes with its count; the population is public', () => {
    const protectedFigure = protectFigure(
      figure(
        [
          column('referrals'),
          column('population', 'count', 'public'),
          column('per_100k', 'rate', { rateOf: ['referrals', 'population'] }),
        ],
        [
          { period: 'Orkney', referrals: 3, population: 22_000, per_100k: 13.6 },
          { period: 'Shetland', referrals: 100, population: 23_000, per_100k: 434.8 },
          { period: 'Lothian', referrals: 2_000, population: 900_000, per_100k: 222.2 },
        ],
      ),
      4,
    )
    expect(protectedFigure.rows).toEqual([
      { period: 'Orkney', referrals: 'c', population: 22_000, per_100k: 'c' },
      { period: 'Shetland', referrals: 'c', population: 23_000, per_100k: 'c' },
      { period: 'Lothian', referrals: 2_000, population: 900_000, per_100k: 222.2 },
    ])
  })

  test('without disclosure control, a figure still sends only what it shows', () => {
    const original = figure([column('started')], [{ period: 'Apr', started: 10, within: 3 }])
    expect(shownColumns(original).rows).toEqual([{ period: 'Apr', started: 10 }])
  })

  test('a percentage that does not say how to protect it is an error, not a guess', () => {
    expect(() => protectFigure(figure([column('share', 'percent')], [{ period: 'Apr', share: 0.5 }]), 4)).toThrow(
      /share of the figure test/,
    )
  })

  test('the threshold is the deployment’s', () => {
    const rows = [
      { period: 'Apr', sessions: 6 },
      { period: 'May', sessions: 40 },
    ]
    expect(protectFigure(figure([column('sessions')], rows), 4).rows.map((r) => r.sessions)).toEqual([6, 40])
    expect(protectFigure(figure([column('sessions')], rows), 9).rows.map((r) => r.sessions)).toEqual(['c', 'c'])
  })
})

describe('a part and its whole on a figure', () => {
  const started = [
    { period: 'Apr', started: 13, started_within_18_weeks: 12 },
    { period: 'May', started: 40, started_within_18_weeks: 40 },
    { period: 'Jun', started: 30, started_within_18_weeks: 20 },
  ]

  test('13 started and 12 within 18 weeks: one of them is hidden, and so is the rate', () => {
    // The rest (started less within) is 1, 0 and 10, 11 in total. April's 1 would be 13 - 12:
    // the part (12) goes; the column of parts (72 in total) then loses its smallest other, June's
    // 20, and with it June's rate. What is left: within April + within June = 32 and the rests of
    // April and June add up to 11, each from 0 to 11: nothing small is pinned. May's rest of 0
    // (everyone within 18 weeks) is no secret.
    const protectedFigure = protectFigure(
      figure(
        [
          column('started'),
          column('started_within_18_weeks'),
          column('eighteen_weeks', 'percent', { rateOf: ['started_within_18_weeks', 'started'] }),
        ],
        started.map((r) => ({ ...r, eighteen_weeks: r.started_within_18_weeks / r.started })),
      ),
      4,
    )
    expect(protectedFigure.rows).toEqual([
      { period: 'Apr', started: 13, started_within_18_weeks: 'c', eighteen_weeks: 'c' },
      { period: 'May', started: 40, started_within_18_weeks: 40, eighteen_weeks: 1 },
      { period: 'Jun', started: 30, started_within_18_weeks: 'c', eighteen_weeks: 'c' },
    ])
  })

  test('a rate alone (the tile map) is protected by the counts it names, shown or not', () => {
    const protectedFigure = protectFigure(
      figure(
        [column('value', 'percent', { rateOf: ['started_within_18_weeks', 'started'] })],
        started.map((r) => ({ ...r, value: r.started_within_18_weeks / r.started })),
      ),
      4,
    )
    expect(protectedFigure.rows).toEqual([
      { period: 'Apr', value: 'c' },
      { period: 'May', value: 1 },
      { period: 'Jun', value: 'c' },
    ])
  })

  test('Scotland beside a board: a pair with the same prefix is a pair too', () => {
    const protectedFigure = protectFigure(
      figure(
        [
          column('national_eighteen_weeks', 'percent', {
            rateOf: ['national_started_within_18_weeks', 'national_started'],
          }),
        ],
        started.map((r) => ({
          period: r.period,
          national_started: r.started,
          national_started_within_18_weeks: r.started_within_18_weeks,
          national_eighteen_weeks: r.started_within_18_weeks / r.started,
        })),
      ),
      4,
    )
    expect(protectedFigure.rows.map((r) => r.national_eighteen_weeks)).toEqual(['c', 1, 'c'])
  })

  test('a rate whose counts are not a part and its whole is not affected (completed of started)', () => {
    const protectedFigure = protectFigure(
      figure(
        [column('completion_rate', 'percent', { rateOf: ['completed', 'started'] })],
        [
          { period: 'Apr', started: 13, completed: 12, completion_rate: 12 / 13 },
          { period: 'May', started: 40, completed: 40, completion_rate: 1 },
        ],
      ),
      4,
    )
    expect(protectedFigure.rows.map((r) => r.completion_rate)).toEqual([12 / 13, 1])
  })
})

describe('a headline tile with disclosure control', () => {
  const tile = { value: 0.75, previous: 0.5, reference: { label: 'Scotland', value: 0.8 } }

  test('is withheld when a count it is worked out from is small', () => {
    expect(protectTile({ ...tile, basis: { counts: [3, 4] } }, 4)).toEqual({
      value: null,
      previous: undefined,
      reference: tile.reference,
      suppressed: true,
    })
  })

  test('loses its change when a count of a year earlier is small, and Scotland’s when Scotland’s is', () => {
    expect(protectTile({ ...tile, basis: { counts: [30, 40], previous: [2, 4], reference: [1, 900] } }, 4)).toEqual({
      value: 0.75,
      previous: undefined,
      reference: { label: 'Scotland', value: null, suppressed: true },
    })
  })

  test('a rate of a part and its whole is withheld when they differ by 1 to the threshold', () => {
    // 148 of 150 started within 18 weeks: 2 did not.
    const eighteen = { id: 'eighteen-weeks', value: 148 / 150, previous: 0.98 }
    expect(protectTile({ ...eighteen, basis: { counts: [148, 150] } }, 4)).toMatchObject({
      value: null,
      suppressed: true,
    })
    expect(protectTile({ ...eighteen, basis: { counts: [140, 150], previous: [98, 100] } }, 4)).toEqual({
      id: 'eighteen-weeks',
      value: eighteen.value,
      previous: undefined,
    })
    // Everyone within 18 weeks is no secret.
    expect(protectTile({ ...eighteen, basis: { counts: [150, 150] } }, 4)).toEqual(eighteen)
    // Named counts, whatever the tile's id; a rate that is not of a part and its whole is left.
    expect(
      protectTile({ id: 'x', value: 0.8, basis: { counts: [10, 12], keys: ['self_referrals', 'referrals'] } }, 4),
    ).toMatchObject({ value: null, suppressed: true })
    expect(protectTile({ id: 'completion-rate', value: 0.98, basis: { counts: [147, 150] } }, 4)).toEqual({
      id: 'completion-rate',
      value: 0.98,
    })
  })

  test('is unchanged otherwise, without its basis', () => {
    expect(protectTile({ ...tile, basis: { counts: [30, 40], previous: [0, 40], reference: [5, 900] } }, 4)).toEqual(
      tile,
    )
  })
})
