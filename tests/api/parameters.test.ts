import { describe, expect, test } from 'vitest'
import {
  type ActivityRequest,
  parseActivityParams,
  parseCoverageParams,
  parseNoParams,
  resolveActivityParams,
} from '#app/api/parameters.ts'

const NOW = new Date('2026-11-22T12:00:00Z')

function resolve(query: string, now = NOW): ActivityRequest | { problems: { parameter: string; message: string }[] } {
  const parsed = parseActivityParams(new URLSearchParams(query))
  if (!parsed.ok) return { problems: parsed.problems }
  const resolved = resolveActivityParams(parsed.value, { now, deadlineDay: 15 })
  return resolved.ok ? resolved.value : { problems: resolved.problems }
}

function problems(query: string) {
  const result = resolve(query)
  if (!('problems' in result)) throw new Error(`expected problems for ${query}`)
  return result.problems
}

describe('activity parameters', () => {
  test('a `to` before the default `from` is refused, naming the default (it was a server error)', () => {
    expect(problems('to=0000-01')).toEqual([
      { parameter: 'to', message: 'must not be before from (2021-04, the default)' },
    ])
    expect(problems('to=2021-03')).toEqual([
      { parameter: 'to', message: 'must not be before from (2021-04, the default)' },
    ])
  })

  test('defaults: since the programme started, to the latest month due, long JSON with disclosure control, as at now', () => {
    expect(resolve('')).toEqual({
      from: '2021-04',
      to: '2026-10', // on 22 November the October returns (due 15 November) have fallen due
      grain: 'month',
      layout: 'long',
      format: 'json',
      sdc: true,
      asAt: NOW,
      asAtRequested: false,
      boards: null,
      services: null,
      measures: null,
      breakdown: null,
    })
  })

  test('the default end is the latest whole quarter or year that has fallen due', () => {
    expect(resolve('grain=fq')).toMatchObject({ from: '2021-04', to: '2026-09' })
    expect(resolve('grain=fy')).toMatchObject({ from: '2021-04', to: '2026-03' })
    // On 14 January 2027 the December return is not yet due, so Q3 is not whole.
    expect(resolve('grain=fq', new Date('2027-01-14T12:00:00Z'))).toMatchObject({ to: '2026-09' })
    expect(resolve('grain=fq', new Date('2027-01-16T12:00:00Z'))).toMatchObject({ to: '2026-12' })
  })

  test('lists are comma-separated or repeated, and duplicates are dropped', () => {
    expect(
      resolve('board=S08000024,S08000031&board=S08000024&service=iecbt&measure=referrals,eighteen_weeks'),
    ).toMatchObject({
      boards: ['S08000024', 'S08000031'],
      services: ['iecbt'],
      measures: ['referrals', 'eighteen_weeks'],
    })
  })

  test('asAt takes an instant, a Scottish wall-clock time, or a date meaning the end of that day', () => {
    expect(resolve('asAt=2025-06-30T17:00:00Z')).toMatchObject({
      asAt: new Date('2025-06-30T17:00:00Z'),
      asAtRequested: true,
    })
    expect(resolve('asAt=2025-06-30T18:00:00%2B01:00')).toMatchObject({ asAt: new Date('2025-06-30T17:00:00Z') })
    expect(resolve('asAt=2025-06-30T18:00')).toMatchObject({ asAt: new Date('2025-06-30T17:00:00Z') }) // BST
    expect(resolve('asAt=2025-12-30T18:00')).toMatchObject({ asAt: new Date('2025-12-30T18:00:00Z') }) // GMT
    expect(resolve('asAt=2025-06-30')).toMatchObject({ asAt: new Date('2025-06-30T23:00:00Z') })
    // ...and the default end of the period follows the moment asked for.
    expect(resolve('asAt=2025-06-30')).toMatchObject({ to: '2025-05' })
  })

  test('every problem is named with its parameter, all at once', () => {
    expect(problems('grain=quarter&format=pdf&sdc=maybe&layout=tall&colour=blue')).toEqual(
      expect.arrayContaining([
        { parameter: 'grain', message: 'must be one of month, fq, fy' },
        { parameter: 'format', message: 'must be one of json, csv, xlsx' },
        { parameter: 'sdc', message: 'must be one of on, off' },
        { parameter: 'layout', message: 'must be one of long, wide' },
        {
          parameter: 'colour',
          message:
            'is not a parameter of this endpoint (its parameters are from, to, board, service, measure, breakdown, grain, layout, format, sdc, asAt)',
        },
      ]),
    )
  })

  test.each([
    ['from=2025-13', 'from', 'must be a month written YYYY-MM, e.g. 2025-04'],
    ['from=2025-4', 'from', 'must be a month written YYYY-MM, e.g. 2025-04'],
    ['to=April', 'to', 'must be a month written YYYY-MM, e.g. 2025-04'],
    ['from=2025-06&to=2025-04', 'to', 'must not be before from (2025-06)'],
    ['from=2020-04', 'from', 'must not be before the programme started (2021-04)'],
    [
      'from=2025-05&grain=fq',
      'from',
      'must be the first month of a financial quarter (April, July, October or January to June, September, December or March) with grain=fq',
    ],
    [
      'to=2025-05&grain=fq',
      'to',
      'must be the last month of a financial quarter (April, July, October or January to June, September, December or March) with grain=fq',
    ],
    ['from=2025-01&grain=fy', 'from', 'must be the first month of a financial year (April to March) with grain=fy'],
    ['to=2026-12', 'to', 'must not be after 2026-11, the month of the request'],
    ['board=S8000024', 'board', 'item ("S8000024") must be a 9-character GSS code such as S08000024'],
    ['board=S08000024,', 'board', 'has an empty item: separate names with single commas'],
    ['service=cCBT', 'service', 'item ("cCBT") must be a service slug such as ccbt-adults'],
    ['measure=Referrals', 'measure', 'item ("Referrals") must be a measure or indicator name such as referrals'],
    ['asAt=yesterday', 'asAt', 'must be an ISO 8601 date or date and time, e.g. 2025-06-30 or 2025-06-30T17:00:00Z'],
    ['asAt=2025-02-30', 'asAt', 'is not a real date and time'],
    ['asAt=2027-01-01', 'asAt', 'must not be in the future'],
    ['grain=fq&grain=fy', 'grain', 'is given more than once'],
    [
      'board=' + Array.from({ length: 101 }, (_, i) => `S0800${String(i).padStart(4, '0')}`).join(','),
      'board',
      'must name at most 100',
    ],
  ])('%s: %s %s', (query, parameter, message) => {
    expect(problems(query)).toContainEqual({ parameter, message })
  })

  test('an early asAt with no period given says there is nothing whole to export', () => {
    expect(problems('asAt=2021-05-01')).toEqual([
      { parameter: 'to', message: 'no month from 2021-04 had fallen due by asAt: give from and to' },
    ])
  })

  test('whole periods are accepted at every grain', () => {
    expect(resolve('from=2024-04&to=2025-03&grain=fy')).toMatchObject({ from: '2024-04', to: '2025-03' })
    expect(resolve('from=2025-01&to=2025-06&grain=fq')).toMatchObject({ from: '2025-01', to: '2025-06' })
  })
})

describe('the other endpoints', () => {
  test('coverage takes a month and nothing else', () => {
    expect(parseCoverageParams(new URLSearchParams('month=2025-04'))).toEqual({ ok: true, value: { month: '2025-04' } })
    expect(parseCoverageParams(new URLSearchParams('month=2025-04&board=S08000024'))).toEqual({
      ok: false,
      problems: [{ parameter: 'board', message: 'is not a parameter of this endpoint (its parameters are month)' }],
    })
  })

  test('boards and services take no parameters', () => {
    expect(parseNoParams(new URLSearchParams(''))).toEqual({ ok: true, value: {} })
    expect(parseNoParams(new URLSearchParams('x=1'))).toEqual({
      ok: false,
      problems: [{ parameter: 'x', message: 'is not a parameter of this endpoint (it takes none)' }],
    })
  })
})
