import { describe, expect, test } from 'vitest'
import { latestDueMonth, londonTime } from '#app/utils/dates.ts'
import {
  canonicalLocation,
  hrefWithFilters,
  parseFilters,
  presetPeriod,
  resolvePeriod,
  yearEarlier,
} from '#app/dashboards/filters.ts'
import { periodBuckets } from '#app/domain/periods.ts'

const OCTOBER = { latestDue: '2026-10', latestAllowed: '2026-10' }

describe('parsing the filters in a URL', () => {
  test('no parameters give the default view', () => {
    expect(parseFilters('')).toEqual({
      preset: undefined,
      from: undefined,
      to: undefined,
      grain: 'month',
      board: undefined,
      service: undefined,
      indicator: 'referrals_per_100k',
      measure: undefined,
      sort: 'name',
      dir: 'asc',
      page: 1,
      view: 'trends',
      sdc: 'off',
    })
  })

  test('every bad value falls back to its default instead of failing', () => {
    const filters = parseFilters(
      'preset=yesterday&from=2025-13&to=banana&grain=week&board=lothian&service=DROP%20TABLE&indicator=happiness&sort=colour&dir=sideways&measure=1;2&page=-3&sdc=yes',
    )
    expect(filters).toEqual(parseFilters(''))
  })

  test('good values are kept, and an empty select means no filter', () => {
    expect(
      parseFilters(
        'preset=since-start&grain=fq&board=S08000024&service=ccbt-adults&indicator=eighteen_weeks&sort=referrals&dir=desc',
      ),
    ).toMatchObject({
      preset: 'since-start',
      grain: 'fq',
      board: 'S08000024',
      service: 'ccbt-adults',
      indicator: 'eighteen_weeks',
      sort: 'referrals',
      dir: 'desc',
    })
    expect(parseFilters('board=&service=&from=').board).toBeUndefined()
  })
})

describe('the period a filter set stands for', () => {
  test('by default, the 12 months to the latest month whose returns have fallen due', () => {
    expect(resolvePeriod(parseFilters(''), OCTOBER)).toEqual({
      from: '2025-11',
      to: '2026-10',
      months: 12,
      preset: 'last-12-months',
      label: 'November 2025 to October 2026',
    })
  })

  test('this financial year: April to the latest due month, even when that is April itself', () => {
    expect(presetPeriod('this-financial-year', { latestDue: '2026-10', latestAllowed: '2026-10' })).toMatchObject({
      from: '2026-04',
      to: '2026-10',
      months: 7,
    })
    // March is the last month of the financial year that began the April before.
    expect(presetPeriod('this-financial-year', { latestDue: '2026-03', latestAllowed: '2026-04' })).toMatchObject({
      from: '2025-04',
      to: '2026-03',
      months: 12,
    })
    expect(presetPeriod('this-financial-year', { latestDue: '2026-04', latestAllowed: '2026-05' })).toMatchObject({
      from: '2026-04',
      to: '2026-04',
      months: 1,
    })
  })

  test('last financial year: the whole April to March before this one', () => {
    expect(presetPeriod('last-financial-year', OCTOBER)).toMatchObject({ from: '2025-04', to: '2026-03', months: 12 })
    expect(presetPeriod('last-financial-year', { latestDue: '2026-03', latestAllowed: '2026-03' })).toMatchObject({
      from: '2024-04',
      to: '2025-03',
    })
    // Across the turn of the calendar year nothing changes: January 2027 is still in 2026/27.
    expect(presetPeriod('last-financial-year', { latestDue: '2027-01', latestAllowed: '2027-01' })).toMatchObject({
      from: '2025-04',
      to: '2026-03',
    })
  })

  test('since the start: April 2021 to the latest due month', () => {
    expect(presetPeriod('since-start', OCTOBER)).toMatchObject({ from: '2021-04', to: '2026-10', months: 67 })
  })

  test('a period never starts before the programme', () => {
    expect(presetPeriod('last-12-months', { latestDue: '2021-09', latestAllowed: '2021-09' })).toMatchObject({
      from: '2021-04',
      to: '2021-09',
      months: 6,
    })
    expect(resolvePeriod(parseFilters('from=2019-01&to=2021-06'), OCTOBER)).toMatchObject({
      from: '2021-04',
      to: '2021-06',
      preset: 'custom',
    })
    expect(resolvePeriod(parseFilters('from=2018-01&to=2019-06'), OCTOBER)).toMatchObject({ preset: 'last-12-months' })
  })

  test('chosen months make a custom period; backwards they are turned round; the future is cut off', () => {
    expect(resolvePeriod(parseFilters('from=2025-04&to=2025-06'), OCTOBER)).toMatchObject({
      from: '2025-04',
      to: '2025-06',
      months: 3,
      preset: 'custom',
      label: 'April 2025 to June 2025',
    })
    expect(resolvePeriod(parseFilters('from=2025-06&to=2025-04'), OCTOBER)).toMatchObject({
      from: '2025-04',
      to: '2025-06',
    })
    expect(
      resolvePeriod(parseFilters('from=2026-01&to=2027-06'), { latestDue: '2026-10', latestAllowed: '2026-11' }),
    ).toMatchObject({ from: '2026-01', to: '2026-11' })
  })

  test('the filter form sends the preset with its own months: the preset stands; other months win', () => {
    expect(resolvePeriod(parseFilters('preset=this-financial-year&from=2026-04&to=2026-10'), OCTOBER)).toMatchObject({
      preset: 'this-financial-year',
    })
    expect(resolvePeriod(parseFilters('preset=this-financial-year&from=2026-05&to=2026-10'), OCTOBER)).toMatchObject({
      preset: 'custom',
      from: '2026-05',
    })
  })

  test('the default period moves on the moment a deadline passes, in Scottish time, across the clock change', () => {
    // Clocks went forward on 29 March 2026. February's returns were due by the end of 15 March (GMT).
    const beforeMarchDeadline = latestDueMonth(londonTime('2026-04-15T23:59'), 15)
    const afterMarchDeadline = latestDueMonth(londonTime('2026-04-16T00:00:30'), 15)
    expect(beforeMarchDeadline).toBe('2026-02')
    expect(afterMarchDeadline).toBe('2026-03')
    // After March's deadline, "this financial year" is still 2025/26: April to March.
    expect(
      presetPeriod('this-financial-year', { latestDue: afterMarchDeadline, latestAllowed: '2026-03' }),
    ).toMatchObject({ from: '2025-04', to: '2026-03' })
  })

  test('a year earlier, only when the whole of it is within the programme', () => {
    expect(yearEarlier(presetPeriod('last-12-months', OCTOBER))).toMatchObject({ from: '2024-11', to: '2025-10' })
    expect(yearEarlier(presetPeriod('since-start', OCTOBER))).toBeNull()
    expect(yearEarlier(resolvePeriod(parseFilters('from=2022-03&to=2022-05'), OCTOBER))).toBeNull()
  })
})

describe('cutting a period into months, financial quarters and years', () => {
  test('quarters across the March/April boundary: the end of one financial year and the start of the next', () => {
    const buckets = periodBuckets({ from: '2026-02', to: '2026-05' }, 'fq')
    expect(buckets.map((b) => [b.label, b.from, b.to, b.months, b.fullMonths])).toEqual([
      ['Q4 2025/26', '2026-02', '2026-03', 2, 3],
      ['Q1 2026/27', '2026-04', '2026-05', 2, 3],
    ])
    expect(buckets[0]!.longLabel).toBe('Q4 2025/26 (quarter ending March 2026)')
  })

  test('quarters across December/January stay in one financial year', () => {
    expect(periodBuckets({ from: '2025-10', to: '2026-03' }, 'fq').map((b) => [b.key, b.label, b.months])).toEqual([
      ['Q3 2025/26', 'Q3 2025/26', 3],
      ['Q4 2025/26', 'Q4 2025/26', 3],
    ])
    expect(periodBuckets({ from: '2025-12', to: '2026-01' }, 'fy').map((b) => [b.label, b.months])).toEqual([
      ['2025/26', 2],
    ])
  })

  test('financial years', () => {
    expect(periodBuckets({ from: '2021-04', to: '2023-04' }, 'fy').map((b) => [b.key, b.label, b.months])).toEqual([
      ['2021/22', '2021/22', 12],
      ['2022/23', '2022/23', 12],
      ['2023/24', '2023/24', 1],
    ])
  })

  test('months', () => {
    expect(
      periodBuckets({ from: '2025-12', to: '2026-01' }, 'month').map((b) => [b.key, b.label, b.longLabel]),
    ).toEqual([
      ['2025-12', 'Dec 2025', 'December 2025'],
      ['2026-01', 'Jan 2026', 'January 2026'],
    ])
  })
})

describe('links that keep the filters', () => {
  const filters = parseFilters(
    'from=2025-04&to=2025-06&grain=fq&service=iecbt&indicator=timeliness&sort=referrals&dir=desc',
  )
  const period = resolvePeriod(filters, OCTOBER)

  test('keep the period, grain, board and service, and leave one page’s own filters behind', () => {
    expect(hrefWithFilters('/boards/S08000024', filters, period)).toBe(
      '/boards/S08000024?from=2025-04&to=2025-06&grain=fq&service=iecbt',
    )
  })

  test('a preset travels as its name, and the defaults as nothing', () => {
    const since = parseFilters('preset=since-start')
    expect(hrefWithFilters('/coverage', since, resolvePeriod(since, OCTOBER), { indicator: 'completeness' })).toBe(
      '/coverage?preset=since-start&indicator=completeness',
    )
    const none = parseFilters('')
    expect(hrefWithFilters('/', none, resolvePeriod(none, OCTOBER))).toBe('/')
  })

  test('disclosure control travels with the link when it is on', () => {
    const on = parseFilters('grain=fq&sdc=on')
    expect(hrefWithFilters('/boards/S08000025', on, resolvePeriod(on, OCTOBER))).toBe(
      '/boards/S08000025?grain=fq&sdc=on',
    )
    expect(hrefWithFilters('/', { ...on, sdc: 'off' }, resolvePeriod(on, OCTOBER))).toBe('/?grain=fq')
  })
})

describe('the short form of a dashboard address', () => {
  const at = (path: string) => new URL(path, 'http://localhost')

  test('what the filter form sends is written the short way', () => {
    // The form sends every field: the preset with its own months, and empty selects.
    expect(
      canonicalLocation(at('/?preset=last-12-months&from=2025-11&to=2026-10&grain=fq&board=&service='), OCTOBER),
    ).toBe('/?grain=fq')
    expect(
      canonicalLocation(
        at('/?preset=last-12-months&from=2025-04&to=2025-06&grain=month&board=&service=iecbt'),
        OCTOBER,
      ),
    ).toBe('/?from=2025-04&to=2025-06&service=iecbt')
    expect(
      canonicalLocation(at('/boards/S08000024?preset=since-start&board=S08000024'), OCTOBER, { omit: ['board'] }),
    ).toBe('/boards/S08000024?preset=since-start')
    expect(
      canonicalLocation(at('/coverage?indicator=referrals_per_100k&page=1'), OCTOBER, { keep: ['indicator', 'page'] }),
    ).toBe('/coverage')
  })

  test('an address already short stays; one with a value that cannot be used stays, so the page can say so', () => {
    expect(canonicalLocation(at('/?grain=fq'), OCTOBER)).toBeNull()
    expect(canonicalLocation(at('/boards?sort=referrals&dir=desc'), OCTOBER, { keep: ['sort', 'dir'] })).toBeNull()
    expect(canonicalLocation(at('/?from=banana'), OCTOBER)).toBeNull()
    expect(canonicalLocation(at('/?grain=weekly&board='), OCTOBER)).toBeNull()
    // Remix's data requests are not part of the address.
    expect(canonicalLocation(at('/?grain=fq&_data=routes%2F_index'), OCTOBER)).toBeNull()
  })
})
