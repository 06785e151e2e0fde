import { describe, expect, test } from 'vitest'
import { listServiceDirectory as listServices } from '#app/models/catalogue.server.ts'
import { getCoverageOfMonth as getCoverage } from '#app/models/coverage.server.ts'
import { listOrgUnitDirectory as listBoards } from '#app/models/org-units.server.ts'
import { apiBoards, apiCoverage, apiServices } from '#app/api/handlers.server.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

useTestDatabase()

describe(`boards, services and coverage on ${ENGINE}`, () => {
  test('boards: the 14 boards and Scotland, with their latest population and superseded codes', async () => {
    const boards = await listBoards()
    expect(boards).toHaveLength(15)
    expect(boards.filter((b) => b.kind === 'board')).toHaveLength(14)
    expect(boards.find((b) => b.code === 'S08000024')).toEqual({
      code: 'S08000024',
      name: 'Lothian',
      kind: 'board',
      population: { year: 2021, value: 916_000, source: 'NRS mid-2021 population estimates (rounded)' },
      supersededCodes: [],
    })
    expect(boards.find((b) => b.code === 'S08000029')!.supersededCodes).toEqual(['S08000018'])
    expect(boards.at(-1)).toMatchObject({ code: 'S92000003', name: 'Scotland', kind: 'national' })
  })

  test('services: each with the measures and indicators that apply, and its treatments', async () => {
    const services = await listServices()
    expect(services).toHaveLength(14)
    const adults = services.find((s) => s.slug === 'ccbt-adults')!
    expect(adults.measures.map((m) => m.name)).toEqual([
      'referrals',
      'self_referrals',
      'started',
      'started_within_18_weeks',
      'completed',
      'waiting_at_month_end',
      'proms_paired',
      'proms_at_caseness',
      'proms_recovered',
      'proms_reliably_improved',
    ])
    expect(adults.indicators.map((i) => i.name)).toEqual([
      'self_referral_share',
      'eighteen_weeks',
      'completion_rate',
      'recovery_rate',
      'reliable_improvement_rate',
    ])
    expect(adults.indicators.find((i) => i.name === 'eighteen_weeks')!.standard).toBe(0.9)
    expect(services.find((s) => s.slug === 'video-1to1')).toMatchObject({
      measures: [{ name: 'sessions' }],
      indicators: [],
      treatments: [],
    })
    // The 37 treatments are catalogue rows under the cCBT and ieCBT services.
    expect(services.reduce((n, s) => n + s.treatments.length, 0)).toBe(37)
  })

  test('coverage of a month: status per board and population coverage per service', async () => {
    const coverage = await getCoverage({ month: '2021-05', deadlineDay: 15 })
    expect(coverage.month).toBe('2021-05')
    const perinatal = coverage.services.find((s) => s.slug === 'ccbt-perinatal')!
    // In May 2021 perinatal cCBT was not live anywhere yet (planned or pilot from October 2021).
    expect(perinatal.populationCoverage).toBe(0)
    const adults = coverage.services.find((s) => s.slug === 'ccbt-adults')!
    expect(adults.populationCoverage).toBe(1)
    expect(adults.boards).toHaveLength(14)
    expect(adults.boards.find((b) => b.code === 'S08000024')).toEqual({
      code: 'S08000024',
      name: 'Lothian',
      status: 'live',
      since: '2021-04',
      until: null,
      note: '',
    })
    // Borders' video groups were paused in the second half of 2023: 116,000 of the boards' population.
    const paused = await getCoverage({ month: '2023-09', deadlineDay: 15 })
    const groups = paused.services.find((s) => s.slug === 'video-group')!
    const total =
      370_000 +
      116_000 +
      148_000 +
      374_000 +
      307_000 +
      587_000 +
      1_185_000 +
      322_000 +
      662_000 +
      916_000 +
      22_500 +
      22_900 +
      417_000 +
      26_500
    expect(groups.populationCoverage).toBeCloseTo((total - 116_000) / total, 12)
    expect(groups.boards.find((b) => b.code === 'S08000016')).toMatchObject({
      status: 'withdrawn',
      since: '2023-07',
      until: '2023-12',
    })
  })

  test('the handlers answer JSON, never cached, and refuse parameters they do not take', async () => {
    const boards = await apiBoards({ params: new URLSearchParams() })
    expect(boards.status).toBe(200)
    expect(boards.headers.get('cache-control')).toBe('no-store')
    expect(((await boards.json()) as { boards: unknown[] }).boards).toHaveLength(15)
    expect((await apiServices({ params: new URLSearchParams('format=csv') })).status).toBe(400)
    const coverage = await apiCoverage({
      params: new URLSearchParams('month=2025-13'),
      now: new Date('2026-11-22T12:00:00Z'),
    })
    expect(coverage.status).toBe(400)
    expect(await coverage.json()).toMatchObject({
      problems: [{ parameter: 'month', message: 'must be a month written YYYY-MM, e.g. 2025-04' }],
    })
    const latest = await apiCoverage({ params: new URLSearchParams(), now: new Date('2026-11-22T12:00:00Z') })
    expect(((await latest.json()) as { month: string }).month).toBe('2026-10')
  })
})
