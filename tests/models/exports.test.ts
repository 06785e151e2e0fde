import { fc } from '@fast-check/vitest'
import { beforeEach, describe, expect, test } from 'vitest'
import { loadExportReference, readActivity, resolveActivityFilters } from '#app/models/exports.server.ts'
import { exportActivity, exportActivityMetadata } from '#app/api/handlers.server.ts'
import { type Actor } from '#app/utils/permissions.ts'
import { actor } from '#tests/models/actors.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'
import { boardCodes, ReturnFixture } from './return-fixture.ts'

const t = useTestDatabase()
const ANALYST = actor(1, 'analyst')
const LOTHIAN = 'S08000024'
const FIFE = 'S08000029'
const ORKNEY = 'S08000025'
const SCOTLAND = 'S92000003'

type Row = {
  period: string
  financial_year: string
  board_code: string
  board_name: string
  service: string
  measure: string
  value: number | null
  qualifier: string | null
}

async function call(query: string, options: { now: string; actor?: Actor }) {
  return exportActivity({
    params: new URLSearchParams(query),
    actor: options.actor ?? ANALYST,
    now: new Date(options.now),
    threshold: 4,
    deadlineDay: 15,
  })
}

async function rows(query: string, options: { now: string; actor?: Actor }): Promise<Row[]> {
  const response = await call(`${query}&format=json`, options)
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { rows: Row[] }).rows
}

const pick = (list: Row[], board: string, period: string, measure = 'sessions') =>
  list.find((r) => r.board_code === board && r.period === period && r.measure === measure)

describe(`qualifiers and figures as at a moment, on ${ENGINE}`, () => {
  let f: ReturnFixture
  beforeEach(async () => {
    await resetData(t.db)
    f = await new ReturnFixture(t.db).load()
    // Lothian's April 2025 video sessions: saved, submitted, approved, reopened, corrected, approved again.
    await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 500, '2025-05-03T09:00:00Z')
    await f.submit(LOTHIAN, '2025-04', '2025-05-05T09:00:00Z')
    await f.approve(LOTHIAN, '2025-04', '2025-05-10T09:00:00Z')
    await f.reopen(LOTHIAN, '2025-04', '2025-06-01T09:00:00Z')
    await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 520, '2025-06-02T10:00:00Z')
    await f.submit(LOTHIAN, '2025-04', '2025-06-03T09:00:00Z')
    await f.approve(LOTHIAN, '2025-04', '2025-06-04T09:00:00Z')
  })

  test.each<[string, number | null, string | null, string]>([
    ['2025-05-04T12:00:00Z', null, ':', 'saved but not yet submitted: not reported'],
    ['2025-05-06T12:00:00Z', 500, 'p', 'submitted, not approved: provisional'],
    ['2025-05-20T12:00:00Z', 500, null, 'approved'],
    ['2025-06-01T12:00:00Z', 500, 'p', 'reopened: provisional again'],
    ['2025-06-02T12:00:00Z', 520, 'p', 'corrected, not yet approved: provisional'],
    ['2025-06-10T12:00:00Z', 520, 'r', 'approved again with a different figure: revised'],
  ])('as at %s: %s %s (%s)', async (asAt, value, qualifier, _why) => {
    const list = await rows(`board=${LOTHIAN}&service=video-1to1&from=2025-04&to=2025-04&sdc=off&asAt=${asAt}`, {
      now: '2025-07-01T12:00:00Z',
    })
    expect(list).toEqual([
      {
        period: '2025-04',
        financial_year: '2025/26',
        board_code: LOTHIAN,
        board_name: 'Lothian',
        service: 'video-1to1',
        measure: 'sessions',
        value,
        qualifier,
      },
    ])
  })

  test('a figure changed after approval and changed back to the approved value is not revised', async () => {
    await f.reopen(LOTHIAN, '2025-04', '2025-06-20T09:00:00Z')
    await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 500, '2025-06-20T10:00:00Z')
    await f.submit(LOTHIAN, '2025-04', '2025-06-20T11:00:00Z')
    await f.approve(LOTHIAN, '2025-04', '2025-06-20T12:00:00Z')
    const list = await rows(`board=${LOTHIAN}&service=video-1to1&from=2025-04&to=2025-04&sdc=off`, {
      now: '2025-07-01T12:00:00Z',
    })
    expect(list[0]).toMatchObject({ value: 500, qualifier: null })
  })

  test('a quarter is the sum of its months; revised if one of them is; not available while a month is missing', async () => {
    await f.approvedReturn(LOTHIAN, 'video-1to1', '2025-05', { sessions: 510 }, '2025-06-05')
    const query = `board=${LOTHIAN}&service=video-1to1&from=2025-04&to=2025-06&grain=fq&sdc=off`
    // June not reported yet: the quarter is not available, not 1,030 passed off as a quarter.
    expect(await rows(query, { now: '2025-07-20T12:00:00Z' })).toEqual([
      expect.objectContaining({ period: 'Q1 2025/26', financial_year: '2025/26', value: null, qualifier: ':' }),
    ])
    await f.approvedReturn(LOTHIAN, 'video-1to1', '2025-06', { sessions: 530 }, '2025-07-05')
    expect(await rows(query, { now: '2025-07-20T12:00:00Z' })).toEqual([
      expect.objectContaining({ period: 'Q1 2025/26', value: 520 + 510 + 530, qualifier: 'r' }),
    ])
    // As at 4 July, before June was sent: not available again; its months as they stood.
    expect(await rows(`${query}&asAt=2025-07-04`, { now: '2025-07-20T12:00:00Z' })).toEqual([
      expect.objectContaining({ value: null, qualifier: ':' }),
    ])
    const months = await rows(`board=${LOTHIAN}&service=video-1to1&from=2025-04&to=2025-06&sdc=off&asAt=2025-07-04`, {
      now: '2025-07-20T12:00:00Z',
    })
    expect(months.map((r) => [r.period, r.value, r.qualifier])).toEqual([
      ['2025-04', 520, 'r'],
      ['2025-05', 510, null],
      ['2025-06', null, ':'],
    ])
  })
})

describe(`Scotland, quarters and disclosure control on a whole quarter of returns, on ${ENGINE}`, () => {
  let f: ReturnFixture
  let boards: string[]
  // Sessions of board i (0-13 in code order) in month m (0-2): 100 + 10 i + m, except Fife's
  // April, a small count, and Orkney, which reports only April and May.
  const sessions = (i: number, m: number) => 100 + 10 * i + m

  beforeEach(async () => {
    await resetData(t.db)
    f = await new ReturnFixture(t.db).load()
    boards = await boardCodes(t.db)
    for (const [i, code] of boards.entries()) {
      for (const [m, month] of ['2025-04', '2025-05', '2025-06'].entries()) {
        if (code === ORKNEY && month === '2025-06') continue
        const value = code === FIFE && month === '2025-04' ? 3 : sessions(i, m)
        await f.approvedReturn(code, 'video-1to1', month, { sessions: value }, `2025-0${m + 5}-05`)
      }
    }
  })

  test('without disclosure control: Scotland is the sum of the boards, unless a board has not reported', async () => {
    const list = await rows('service=video-1to1&from=2025-04&to=2025-06&sdc=off', { now: '2025-08-01T12:00:00Z' })
    const fife = boards.indexOf(FIFE)
    const april = boards.reduce((s, _, i) => s + (i === fife ? 3 : sessions(i, 0)), 0)
    expect(pick(list, SCOTLAND, '2025-04')).toMatchObject({ board_name: 'Scotland', value: april, qualifier: null })
    // Orkney's June is missing: its row says so, and the Scotland total is not available.
    expect(pick(list, ORKNEY, '2025-06')).toMatchObject({ value: null, qualifier: ':' })
    expect(pick(list, SCOTLAND, '2025-06')).toMatchObject({ value: null, qualifier: ':' })
    expect(pick(list, FIFE, '2025-04')).toMatchObject({ value: 3, qualifier: null })
    // Rows: 14 boards and Scotland, 3 months.
    expect(list).toHaveLength(15 * 3)
    // Boards by name, Scotland last.
    expect(list.slice(0, 15).map((r) => r.board_name)).toEqual([
      'Ayrshire and Arran',
      'Borders',
      'Dumfries and Galloway',
      'Fife',
      'Forth Valley',
      'Grampian',
      'Greater Glasgow and Clyde',
      'Highland',
      'Lanarkshire',
      'Lothian',
      'Orkney',
      'Shetland',
      'Tayside',
      'Western Isles',
      'Scotland',
    ])
  })

  test('the metadata lists the returns not received, which is why some figures are not available', async () => {
    const response = await call('service=video-1to1&from=2025-04&to=2025-06&grain=fq', { now: '2025-08-01T12:00:00Z' })
    const { metadata } = (await response.json()) as { metadata: { returnsNotReceived: unknown[] } }
    expect(metadata.returnsNotReceived).toEqual([{ board_code: ORKNEY, board_name: 'Orkney', month: '2025-06' }])
    // As at a moment before any June return was submitted, every board's June is missing.
    const early = await call('service=video-1to1&from=2025-04&to=2025-06&grain=fq&asAt=2025-06-30', {
      now: '2025-08-01T12:00:00Z',
    })
    const before = ((await early.json()) as { metadata: { returnsNotReceived: { month: string }[] } }).metadata
      .returnsNotReceived
    expect(before).toHaveLength(14)
    expect(new Set(before.map((r) => r.month))).toEqual(new Set(['2025-06']))
  })

  test('with disclosure control: the small count and one complement in its month, board and quarter are suppressed, nothing else', async () => {
    const monthly = await rows('service=video-1to1&from=2025-04&to=2025-06', { now: '2025-08-01T12:00:00Z' })
    const quarterly = await rows('service=video-1to1&from=2025-04&to=2025-06&grain=fq', { now: '2025-08-01T12:00:00Z' })
    // Worked by hand: Fife's April (3) is suppressed. April's Scotland total is published, so a
    // second April figure must go: the smallest, Ayrshire and Arran's (100). Fife's quarter is
    // published, so a second Fife month must go: its smallest, May (100 + 10 * 3 + 1 = 131), and
    // Ayrshire's quarter is published, so one of its other months: May (101). May's Scotland
    // total then has Fife and Ayrshire suppressed: two, and their sum is not small.
    const suppressed = monthly
      .filter((r) => r.qualifier === 'c')
      .map((r) => `${r.board_code} ${r.period}`)
      .sort()
    expect(suppressed).toEqual([`${FIFE} 2025-04`, `${FIFE} 2025-05`, `S08000015 2025-04`, `S08000015 2025-05`].sort())
    for (const r of [...monthly, ...quarterly]) {
      if (r.value !== null) expect(r.value <= 0 || r.value > 4, `${r.board_code} ${r.period} ${r.value}`).toBe(true)
    }
    // The quarters published beside the months cannot give a suppressed month away.
    expect(pick(quarterly, FIFE, 'Q1 2025/26')?.qualifier).toBe(null)
    expect(pick(quarterly, SCOTLAND, 'Q1 2025/26')?.qualifier).toBe(':')
  })

  test('a board lead’s export of their own board suppresses exactly as the national one does', async () => {
    const lead = actor(2, 'board_lead', f.unit(FIFE))
    const own = await rows('service=video-1to1&from=2025-04&to=2025-06', { now: '2025-08-01T12:00:00Z', actor: lead })
    const all = await rows('service=video-1to1&from=2025-04&to=2025-06', { now: '2025-08-01T12:00:00Z' })
    expect(own).toEqual(all.filter((r) => r.board_code === FIFE))
  })

  test('as at a moment reproduces an earlier export byte for byte after later revisions', async () => {
    const earlier = '2025-08-01T12:00:00Z'
    const queries = [
      'service=video-1to1&from=2025-04&to=2025-06&format=csv',
      'service=video-1to1&from=2025-04&to=2025-06&format=csv&sdc=off',
      'service=video-1to1&from=2025-04&to=2025-06&format=csv&grain=fq&layout=wide',
      `service=video-1to1&from=2025-04&to=2025-06&format=csv&board=${FIFE},${ORKNEY}`,
    ]
    const before = await Promise.all(queries.map(async (q) => (await call(q, { now: earlier })).text()))

    // Later: Orkney sends June, Fife's April is corrected after approval, Lothian reopens May.
    await f.approvedReturn(ORKNEY, 'video-1to1', '2025-06', { sessions: 2 }, '2025-08-10')
    await f.reopen(FIFE, '2025-04', '2025-08-11T09:00:00Z')
    await f.figure(FIFE, 'video-1to1', '2025-04', 'sessions', 45, '2025-08-11T10:00:00Z')
    await f.submit(FIFE, '2025-04', '2025-08-11T11:00:00Z')
    await f.approve(FIFE, '2025-04', '2025-08-11T12:00:00Z')
    await f.reopen(LOTHIAN, '2025-05', '2025-08-12T09:00:00Z')
    await f.figure(LOTHIAN, 'video-1to1', '2025-05', 'sessions', 999, '2025-08-12T10:00:00Z')

    const later = '2025-09-01T12:00:00Z'
    for (const [i, q] of queries.entries()) {
      const now = await (await call(q, { now: later })).text()
      expect(now, 'the figures have changed since').not.toBe(before[i])
      const asAt = await (await call(`${q}&asAt=${earlier}`, { now: later })).text()
      expect(asAt).toBe(before[i])
    }
    // JSON too: the same rows; the metadata says which moment they show.
    const json = (await (
      await call(`service=video-1to1&from=2025-04&to=2025-06&asAt=${earlier}`, { now: later })
    ).json()) as {
      metadata: { asAt: string; extractedAt: string; asAtDescription: string }
      rows: Row[]
    }
    const original = (await (await call('service=video-1to1&from=2025-04&to=2025-06', { now: earlier })).json()) as {
      rows: Row[]
    }
    expect(json.rows).toEqual(original.rows)
    expect(json.metadata.asAt).toBe(earlier.replace('Z', '.000Z'))
    expect(json.metadata.extractedAt).toBe(later.replace('Z', '.000Z'))
    expect(json.metadata.asAtDescription).toMatch(/^Figures as the system held them at 1 August 2025, 13:00/)
  })

  test('the model itself returns only the boards the caller may see, whatever boards the filters name', async () => {
    const reference = await loadExportReference(t.db)
    const found = resolveActivityFilters({ boards: [...boards, SCOTLAND], services: null, measures: null }, reference)
    if (!found.ok) throw new Error('the filters must resolve')
    for (const sdc of [null, { threshold: 4 }]) {
      const seen = new Set<string>()
      for await (const batch of readActivity({
        from: '2025-04',
        to: '2025-06',
        grain: 'month',
        asAt: new Date('2025-08-01T12:00:00Z'),
        sdc,
        filters: found.filters,
        visibleOrgUnitIds: [f.unit(FIFE)],
        reference,
      })) {
        for (const row of batch) seen.add(row.board_code)
      }
      expect([...seen]).toEqual([FIFE])
    }
  })

  test('a board lead never receives another board’s rows, whatever the parameters', async () => {
    const now = '2025-08-01T12:00:00Z'
    const codes = [...boards, SCOTLAND, 'S08000018' /* Fife's superseded code */]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...boards),
        fc.option(fc.subarray(codes, { minLength: 1 }), { nil: undefined }),
        fc.option(fc.subarray(['video-1to1', 'ccbt-adults', 'self-help-guides'], { minLength: 1 }), { nil: undefined }),
        fc.constantFrom('month', 'fq'),
        fc.constantFrom('long', 'wide'),
        fc.constantFrom('on', 'off'),
        async (own, asked, services, grain, layout, sdc) => {
          const lead = actor(3, 'board_lead', f.unit(own))
          const params = [`from=2025-04&to=2025-06&grain=${grain}&layout=${layout}&sdc=${sdc}&format=json`]
          if (asked) params.push(`board=${asked.join(',')}`)
          if (services) params.push(`service=${services.join(',')}`)
          const response = await call(params.join('&'), { now, actor: lead })
          const ownCodes = own === FIFE ? [FIFE, 'S08000018'] : [own]
          const foreign = (asked ?? []).filter((c) => !ownCodes.includes(c))
          if (foreign.length) {
            expect(response.status).toBe(403)
            const body = (await response.json()) as { problems: { parameter: string }[] }
            expect(body.problems[0]!.parameter).toBe('board')
            return
          }
          expect(response.status).toBe(200)
          const body = (await response.json()) as { metadata: { filters: { boards: { code: string }[] } }; rows: Row[] }
          expect(body.metadata.filters.boards).toEqual([{ code: own, name: expect.any(String) }])
          for (const row of body.rows) expect(row.board_code).toBe(own)
        },
      ),
      { numRuns: 40, seed: 6 },
    )
  })
})

describe(`responses of the activity export, on ${ENGINE}`, () => {
  beforeEach(async () => {
    await resetData(t.db)
    const f = await new ReturnFixture(t.db).load()
    await f.approvedReturn(LOTHIAN, 'video-1to1', '2025-04', { sessions: 500 }, '2025-05-05')
  })
  const now = '2025-08-01T12:00:00Z'

  test('CSV: streamed attachment, not cached, linked to its metadata', async () => {
    const response = await call('service=video-1to1&from=2025-04&to=2025-04&format=csv', { now })
    expect(response.status).toBe(200)
    expect(response.body).toBeInstanceOf(ReadableStream)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="activity_month_2025-04_2025-04_as-at-20250801T120000Z.csv"',
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
    const link = response.headers.get('link')!
    expect(link).toBe(
      '</api/v1/activity/metadata?from=2025-04&to=2025-04&service=video-1to1&grain=month&layout=long&format=csv&sdc=on&asAt=2025-08-01T12:00:00.000Z>; rel="describedby"; type="application/json"',
    )
    // The link gives this export's metadata, whenever it is followed.
    const url = new URL(link.slice(1, link.indexOf('>')), 'http://localhost')
    const metadata = await exportActivityMetadata({
      params: url.searchParams,
      actor: ANALYST,
      now: new Date('2025-12-01T00:00:00Z'),
      threshold: 4,
      deadlineDay: 15,
    })
    expect(metadata.status).toBe(200)
    const body = (await metadata.json()) as {
      asAt: string
      disclosureControl: { threshold: number }
      qualifiers: { code: string }[]
    }
    expect(body.asAt).toBe('2025-08-01T12:00:00.000Z')
    expect(body.disclosureControl.threshold).toBe(4)
    expect(body.qualifiers.map((q) => q.code)).toEqual(['p', 'r', 'c', 'z', ':'])
  })

  test('JSON: a leading metadata object with source, moments, filters, definitions, qualifiers and the suppression rule', async () => {
    const response = await call('service=video-1to1&from=2025-04&to=2025-06&grain=fq&measure=sessions', { now })
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const text = await response.text()
    expect(text.startsWith('{"metadata":{')).toBe(true)
    const { metadata } = JSON.parse(text) as { metadata: Record<string, unknown> }
    expect(metadata).toMatchObject({
      source: expect.stringContaining('monthly returns'),
      extractedAt: '2025-08-01T12:00:00.000Z',
      asAt: '2025-08-01T12:00:00.000Z',
      filters: {
        from: '2025-04',
        to: '2025-06',
        grain: 'fq',
        sdc: 'on',
        services: [{ slug: 'video-1to1', name: 'Video-enabled 1:1 therapy' }],
        measures: ['sessions'],
      },
      periods: [
        {
          period: 'Q1 2025/26',
          label: 'quarter ending June 2025',
          financialYear: '2025/26',
          firstMonth: '2025-04',
          lastMonth: '2025-06',
        },
      ],
      measures: [{ name: 'sessions', label: 'Sessions', unit: 'sessions', definition: expect.any(String) }],
      disclosureControl: {
        applied: true,
        threshold: 4,
        rule: expect.stringContaining('Counts from 1 to 4 are suppressed'),
      },
    })
  })

  test('400 lists every problem; 403 when a board lead asks for another board', async () => {
    const bad = await call('grain=weekly&board=S08000099&service=nope&colour=red', { now })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/problem+json; charset=utf-8')
    const body = (await bad.json()) as { status: number; problems: { parameter: string }[] }
    expect(body.status).toBe(400)
    expect(body.problems.map((p) => p.parameter).sort()).toEqual(['colour', 'grain'])
    // Well-formed but unknown codes are found against the reference data.
    const unknown = (await (
      await call('board=S08000099&service=nope&measure=sessions,visits_per_day', { now })
    ).json()) as {
      problems: { parameter: string; message: string }[]
    }
    expect(unknown.problems).toEqual([
      { parameter: 'board', message: 'S08000099 is not a board code (see /api/v1/boards)' },
      { parameter: 'service', message: 'nope is not a service (see /api/v1/services)' },
      { parameter: 'measure', message: 'sessions does not apply to any of the services asked for' },
      { parameter: 'measure', message: 'visits_per_day is not a measure or indicator (see /api/v1/services)' },
    ])
    const lead = actor(4, 'board_lead', (await new ReturnFixture(t.db).load()).unit(LOTHIAN))
    const forbidden = await call(`board=${LOTHIAN},${FIFE}`, { now, actor: lead })
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toMatchObject({
      problems: [{ parameter: 'board', message: `you may not export the figures of ${FIFE} (Fife)` }],
    })
    const scotland = await call(`board=${SCOTLAND}`, { now, actor: lead })
    expect(scotland.status).toBe(403)
  })

  test('the export is recorded for the audit trail before any figure is sent', async () => {
    const events: unknown[] = []
    const response = await exportActivity({
      params: new URLSearchParams('service=video-1to1&from=2025-04&to=2025-04&format=csv&sdc=off'),
      actor: ANALYST,
      now: new Date(now),
      threshold: 4,
      deadlineDay: 15,
      audit: async (event) => void events.push(event),
    })
    expect(events).toEqual([
      {
        action: 'export',
        actorId: 1,
        format: 'csv',
        sdc: false,
        asAt: '2025-08-01T12:00:00.000Z',
        request:
          '/api/v1/activity?from=2025-04&to=2025-04&service=video-1to1&grain=month&layout=long&format=csv&sdc=off&asAt=2025-08-01T12:00:00.000Z',
        boards: expect.arrayContaining([LOTHIAN, SCOTLAND]),
      },
    ])
    await response.body?.cancel()
  })

  test('when the export cannot be recorded, it fails and nothing is sent', async () => {
    const failure = new Error('the audit trail is unavailable')
    const exported = exportActivity({
      params: new URLSearchParams('service=video-1to1&from=2025-04&to=2025-04&format=csv&sdc=off'),
      actor: ANALYST,
      now: new Date(now),
      threshold: 4,
      deadlineDay: 15,
      audit: async () => {
        throw failure
      },
    })
    await expect(exported).rejects.toBe(failure)
  })

  test('neither the metadata alone nor a refused export is recorded', async () => {
    const events: unknown[] = []
    const args = { actor: ANALYST, now: new Date(now), threshold: 4, deadlineDay: 15 }
    const audit = async (event: unknown) => void events.push(event)
    const metadata = await exportActivityMetadata({
      ...args,
      params: new URLSearchParams('service=video-1to1&from=2025-04&to=2025-04'),
      audit,
    })
    expect(metadata.status).toBe(200)
    const refused = await exportActivity({ ...args, params: new URLSearchParams('service=nope'), audit })
    expect(refused.status).toBe(400)
    expect(events).toEqual([])
  })
})
