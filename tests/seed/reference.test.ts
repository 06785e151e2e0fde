import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { loadReferenceData, readReferenceData, REFERENCE_DIR, ReferenceDataError } from '#seed/reference.ts'
import { queryRows } from '#db/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()

/** A copy of the reference folder with one file's text changed. */
function referenceWith(file: string, change: (text: string) => string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-'))
  for (const name of fs.readdirSync(REFERENCE_DIR))
    fs.copyFileSync(path.join(REFERENCE_DIR, name), path.join(dir, name))
  const target = path.join(dir, file)
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')))
  return dir
}

describe('reading the reference files', () => {
  test('the shipped files describe 14 boards, 14 catalogue entries (13 services and the digital therapies team) and 37 treatments', () => {
    const data = readReferenceData()
    expect(data.orgUnits.filter((u) => u.kind === 'board')).toHaveLength(14)
    expect(data.services).toHaveLength(14)
    expect(data.services.at(-1)).toMatchObject({ slug: 'digital-therapies-team', family: 'workforce' })
    expect(data.treatments).toHaveLength(37)
  })

  test('a bad value names the file, the line and the field', () => {
    const dir = referenceWith('services.csv', (text) =>
      text.replace('ccbt-ltc,cCBT Long-Term Conditions,ccbt,board', 'ccbt-ltc,cCBT Long-Term Conditions,ccbt,regional'),
    )
    expect(() => readReferenceData(dir)).toThrowError(ReferenceDataError)
    expect(() => readReferenceData(dir)).toThrowError(/^services\.csv line 5, field "delivery": /)
  })

  test('a population that is not a whole number is refused', () => {
    const dir = referenceWith('populations.csv', (text) =>
      text.replace('S08000016,2021,116000', 'S08000016,2021,116000.5'),
    )
    expect(() => readReferenceData(dir)).toThrowError(
      /^populations\.csv line 3, field "population": must be a whole number/,
    )
  })

  test('a reference to an unknown service names where it is', () => {
    const dir = referenceWith('treatments.csv', (text) =>
      text.replace('ccbt-prisons,Stress in custody', 'ccbt-prison,Stress in custody'),
    )
    expect(() => readReferenceData(dir)).toThrowError(
      /^treatments\.csv line \d+, field "service": ccbt-prison is not in services\.csv/,
    )
  })

  test('a missing column is named', () => {
    const dir = referenceWith('measures.csv', (text) => text.replace('max_monthly_value', 'cap'))
    expect(() => readReferenceData(dir)).toThrowError(
      /^measures\.csv line 1, field "max_monthly_value": column is missing/,
    )
  })

  test('a row with the wrong number of fields is refused with its line', () => {
    const dir = referenceWith('org-units.csv', (text) => text.replace('S08000016,Borders,board', 'S08000016,Borders'))
    expect(() => readReferenceData(dir)).toThrowError(/^org-units\.csv line 3/)
  })
})

describe('loading the reference data', () => {
  test('loading again changes nothing, and keeps what an administrator changed', async () => {
    const counts = async () =>
      (
        await queryRows(
          t.db,
          sql`select
          (select count(*) from org_units)::int as units, (select count(*) from services)::int as services,
          (select count(*) from treatments)::int as treatments, (select count(*) from service_measures)::int as pairs,
          (select count(*) from service_availability)::int as availability, (select count(*) from org_unit_populations)::int as populations`,
        )
      )[0]
    const before = await counts()
    expect(before).toMatchObject({ units: 15, services: 14, treatments: 37 })
    await t.db.execute(sql`update services set name = 'Renamed by an administrator' where slug = 'iecbt'`)
    await loadReferenceData(t.db)
    expect(await counts()).toEqual(before)
    const rows = await queryRows<{ name: string }>(t.db, sql`select name from services where slug = 'iecbt'`)
    expect(rows[0]!.name).toBe('Renamed by an administrator')
  })
})
