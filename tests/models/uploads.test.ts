import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { findReturnUnit, type ReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { commitUpload, previewUpload, UploadCommitError } from '#app/models/uploads.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { parseUploadFile } from '#app/returns/upload-parse.server.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
const NOW = new Date('2025-07-10T09:00:00Z')
let national: Actor
let lothianLead: Actor
let lothian: ReturnUnit

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
})
beforeEach(async () => {
  await resetData(t.db)
  national = await createTestActor('national@example.scot', 'national_lead')
  lothianLead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
})

const csv = (lines: string[]) =>
  new TextEncoder().encode(['month,board_code,service,measure,value,comment', ...lines].join('\r\n'))

async function preview(actor: Actor, lines: string[]) {
  const bytes = csv(lines)
  const { rows } = await parseUploadFile(bytes)
  return previewUpload({ actor, fileName: 'figures.csv', bytes, rows, now: NOW })
}

/** Everything an upload could touch. */
const state = async () => ({
  values: await queryRows(t.db, sql`select * from return_values order by id`),
  returns: await queryRows(t.db, sql`select * from returns order by org_unit_id, month`),
})

describe(`checking an upload on ${ENGINE}`, () => {
  test('every problem is listed by row and column, and nothing is written', async () => {
    const before = await state()
    const result = await preview(national, [
      '2025-06,S08000024,ccbt-adults,referrals,40,',
      '2025-06,S99999999,ccbt-adults,referrals,40,',
      '2025-06,S08000024,ccbt-grownups,referrals,40,',
      '2025-06,S08000024,ccbt-adults,referrals,41,',
      '2025-06,S08000024,ccbt-adults,started,forty,',
      '2025-06,S08000024,video-1to1,referrals,3,',
      '2025-08,S08000024,ccbt-adults,completed,3,',
      '2025-06,S08000024,ccbt-adults,self_referrals,50,',
      '2025-06,S08000024,video-group,sessions,"12,34",',
    ])
    expect(result.uploadId).toBeNull()
    expect(result.problems).toEqual([
      { row: 3, column: 'board_code', message: expect.stringMatching(/S99999999 is not a board code/) },
      { row: 4, column: 'service', message: expect.stringMatching(/ccbt-grownups is not a service/) },
      { row: 5, column: '(whole row)', message: 'Repeats row 2: the same month, board, service and measure' },
      { row: 6, column: 'value', message: expect.stringMatching(/“forty” is not a number/) },
      { row: 7, column: 'measure', message: 'referrals does not apply to video-1to1' },
      { row: 8, column: 'month', message: expect.stringMatching(/August 2025 has not ended yet/) },
      {
        row: 9,
        column: 'value',
        message: expect.stringMatching(/Self-referrals \(50\) cannot be more than referrals \(40\)/),
      },
      { row: 10, column: 'value', message: expect.stringMatching(/“12,34” is not a whole number as written/) },
    ])
    expect(await state()).toEqual(before)
    expect(await queryRows(t.db, sql`select * from uploads`)).toEqual([])
  })

  test('a board lead’s rows for another board are refused', async () => {
    const result = await preview(lothianLead, ['2025-06,S08000029,ccbt-adults,referrals,40,'])
    expect(result.problems).toEqual([
      {
        row: 2,
        column: 'board_code',
        message: 'You can only upload your own board’s figures, not Fife’s',
        refusal: 'other-board',
      },
    ])
  })

  test('superseded board codes are read as the current code, with a note', async () => {
    const result = await preview(national, ['2025-06,S08000018,ccbt-adults,referrals,40,'])
    expect(result.problems).toEqual([])
    expect(result.notes).toEqual([
      expect.stringMatching(/^Board code S08000018 is no longer used and was read as S08000029 \(Fife\)/),
    ])
    expect(result.summary).toEqual([
      expect.objectContaining({ code: 'S08000029', name: 'Fife', month: '2025-06', added: 1 }),
    ])
  })
})

describe(`committing an upload on ${ENGINE}`, () => {
  test('writes every figure in one go, and re-uploading the same file changes nothing', async () => {
    const lines = [
      '2025-06,S08000024,ccbt-adults,referrals,40,',
      '2025-06,S08000024,ccbt-adults,self_referrals,12,',
      '2025-05,S08000029,iecbt,sessions,300,From the new system',
    ]
    const first = await preview(national, lines)
    expect(first.problems).toEqual([])
    expect(await commitUpload({ actor: national, uploadId: first.uploadId!, reason: null, now: NOW })).toMatchObject({
      changedFigures: 3,
    })
    const afterFirst = await state()
    expect(afterFirst.values).toHaveLength(3)

    const again = await preview(national, lines)
    expect(again.summary.every((s) => s.added === 0 && s.changed === 0)).toBe(true)
    expect(await commitUpload({ actor: national, uploadId: again.uploadId!, reason: null, now: NOW })).toMatchObject({
      changedFigures: 0,
    })
    expect(await state()).toEqual(afterFirst)
  })

  test('all or nothing: when one board-month has become locked since the preview, nothing is written', async () => {
    const result = await preview(national, [
      '2025-06,S08000024,ccbt-adults,referrals,40,',
      '2025-06,S08000029,ccbt-adults,referrals,30,',
    ])
    // Meanwhile Fife's June is submitted and approved.
    const fife = await findReturnUnit({ code: 'S08000029' })
    const fifeLead: Actor = await createTestActor('fife@example.scot', 'board_lead', fife.id)
    await saveReturn({
      actor: fifeLead,
      unit: fife,
      month: '2025-06',
      expectedVersion: 0,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 29 }],
      submit: true,
      reason: null,
      now: NOW,
    })
    await t.db.execute(sql`update returns set status = 'approved', approved_at = now(), first_approved_at = now()`)
    const before = await state()
    await expect(
      commitUpload({ actor: lothianLead, uploadId: result.uploadId!, reason: null, now: NOW }),
    ).rejects.toThrowError()
    await expect(
      commitUpload({ actor: national, uploadId: result.uploadId!, reason: null, now: NOW }),
    ).rejects.toThrowError(UploadCommitError)
    expect(await state()).toEqual(before)
  })

  test('only the person who uploaded can commit, once, within the hour', async () => {
    const result = await preview(national, ['2025-06,S08000024,ccbt-adults,referrals,40,'])
    await expect(
      commitUpload({ actor: lothianLead, uploadId: result.uploadId!, reason: null, now: NOW }),
    ).rejects.toThrowError(/expired or was already committed/)
    await expect(
      commitUpload({
        actor: national,
        uploadId: result.uploadId!,
        reason: null,
        now: new Date(NOW.getTime() + 2 * 3600_000),
      }),
    ).rejects.toThrowError(/expired/)
    await commitUpload({ actor: national, uploadId: result.uploadId!, reason: null, now: NOW })
    await expect(
      commitUpload({ actor: national, uploadId: result.uploadId!, reason: null, now: NOW }),
    ).rejects.toThrowError(/already committed/)
  })
})
