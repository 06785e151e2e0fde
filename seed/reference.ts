// Reference data: org units, populations, the service catalogue, measures, treatments and the
// coverage history, read from seed/reference/*.csv. Nothing about one nation is in code: another
// nation loads its own files. Loading is idempotent and only adds what is missing, so it never
// overwrites what administrators have since changed in the app.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { type Database, type Executor, queryRows } from '#db/client.ts'
import {
  breakdownCategories,
  breakdownDimensions,
  breakdownMeasures,
  breakdownPopulations,
  measures,
  orgUnitAliases,
  orgUnitPopulations,
  orgUnits,
  orgUnitTiles,
  serviceAvailability,
  serviceMeasures,
  services,
  treatments,
} from '#db/schema/index.ts'

export const REFERENCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference')

export class ReferenceDataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    problem: string,
  ) {
    super(`${file} line ${line}, field "${field}": ${problem}`)
    this.name = 'ReferenceDataError'
  }
}

const code = z.string().regex(/^[A-Z]\d{8}$/, 'must be a 9-character GSS code such as S08000024')
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens')
const name = z.string().trim().min(1, 'must not be empty')
const count = z.coerce.number().int('must be a whole number').positive('must be more than 0')
const year = z.coerce.number().int('must be a whole number').min(1900).max(2200)
const population = z.coerce.number().int('must be a whole number').min(0, 'must not be negative')
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM')

const FILES = {
  orgUnits: {
    file: 'org-units.csv',
    row: z.object({ code, name, kind: z.enum(['board', 'national']) }),
  },
  tiles: {
    file: 'org-unit-tiles.csv',
    row: z.object({
      code,
      row: z.coerce.number().int('must be a whole number').min(0).max(30),
      column: z.coerce.number().int('must be a whole number').min(0).max(30),
      label: name,
    }),
  },
  aliases: {
    file: 'org-unit-aliases.csv',
    row: z.object({ code, org_unit_code: code, note: name }),
  },
  populations: {
    file: 'populations.csv',
    row: z.object({
      code,
      year: z.coerce.number().int('must be a whole number').min(1900).max(2200),
      population: count,
      source: name,
    }),
  },
  services: {
    file: 'services.csv',
    row: z.object({
      slug,
      name,
      family: slug,
      delivery: z.enum(['board', 'national']),
      sort_order: z.coerce.number().int(),
      description: z.string(),
    }),
  },
  measures: {
    file: 'measures.csv',
    row: z.object({
      name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case name'),
      label: name,
      unit: name,
      max_monthly_value: count,
      sort_order: z.coerce.number().int(),
      description: name,
    }),
  },
  serviceMeasures: {
    file: 'service-measures.csv',
    row: z.object({ service: slug, measure: name }),
  },
  treatments: {
    file: 'treatments.csv',
    row: z.object({ service: slug, name, description: z.string() }),
  },
  availability: {
    file: 'availability.csv',
    row: z
      .object({
        org_unit_code: code,
        service: slug,
        status: z.enum(['live', 'pilot', 'planned', 'withdrawn']),
        from_month: month,
        to_month: month.or(z.literal('').transform(() => undefined)),
        note: z.string(),
      })
      .refine((r) => !r.to_month || r.to_month >= r.from_month, {
        path: ['to_month'],
        message: 'must not be before from_month',
      }),
  },
  breakdownDimensions: {
    file: 'breakdown-dimensions.csv',
    row: z.object({ dimension: slug, label: name, sort_order: z.coerce.number().int() }),
  },
  breakdownCategories: {
    file: 'breakdown-categories.csv',
    row: z.object({
      dimension: slug,
      category: z.string().regex(/^[a-z0-9+-]+$/, 'must be lower-case letters, digits, "-" or "+"'),
      label: name,
      rank: z.coerce
        .number()
        .int('must be a whole number')
        .positive()
        .or(z.literal('').transform(() => null)),
      sort_order: z.coerce.number().int(),
    }),
  },
  breakdowns: {
    file: 'breakdowns.csv',
    row: z.object({ service: slug, measure: name, dimension: slug }),
  },
  simdPopulations: {
    file: 'populations-simd.csv',
    row: z.object({ code, year, simd_quintile: z.string(), population, source: name }),
  },
  ageSexPopulations: {
    file: 'populations-age-sex.csv',
    row: z.object({ code, year, age_band: z.string(), sex: z.string(), population, source: name }),
  },
} as const

type Files = typeof FILES
export type ReferenceData = {
  [K in keyof Files]: Array<z.output<Files[K]['row']> & { line: number }>
}

function readCsv<S extends z.ZodType>(dir: string, file: string, schema: S) {
  const text = fs.readFileSync(path.join(dir, file), 'utf8')
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>
  try {
    records = parse(text, { bom: true, columns: true, skip_empty_lines: true, trim: true, info: true })
  } catch (error) {
    const e = error as { lines?: number; message: string }
    throw new ReferenceDataError(file, e.lines ?? 0, '(whole row)', e.message)
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape
  return records.map(({ record, info }) => {
    if (shape) {
      for (const field of Object.keys(shape)) {
        if (!(field in record)) throw new ReferenceDataError(file, 1, field, 'column is missing')
      }
    }
    const parsed = schema.safeParse(record)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new ReferenceDataError(file, info.lines, String(issue.path[0] ?? '(row)'), issue.message)
    }
    return Object.assign({}, parsed.data as z.output<S> & object, { line: info.lines })
  })
}

/** Reads and checks every reference file, including references between files. */
export function readReferenceData(dir: string = REFERENCE_DIR): ReferenceData {
  const data = Object.fromEntries(
    Object.entries(FILES).map(([key, { file, row }]) => [key, readCsv(dir, file, row)]),
  ) as ReferenceData

  const unitCodes = new Set(data.orgUnits.map((u) => u.code))
  const serviceSlugs = new Set(data.services.map((s) => s.slug))
  const measureNames = new Set(data.measures.map((m) => m.name))
  const must = (ok: boolean, file: string, line: number, field: string, problem: string) => {
    if (!ok) throw new ReferenceDataError(file, line, field, problem)
  }
  for (const a of data.aliases) {
    must(
      unitCodes.has(a.org_unit_code),
      FILES.aliases.file,
      a.line,
      'org_unit_code',
      `${a.org_unit_code} is not in ${FILES.orgUnits.file}`,
    )
    must(
      !unitCodes.has(a.code),
      FILES.aliases.file,
      a.line,
      'code',
      `${a.code} is a current code, not a superseded one`,
    )
  }
  const cells = new Set<string>()
  for (const t of data.tiles) {
    must(unitCodes.has(t.code), FILES.tiles.file, t.line, 'code', `${t.code} is not in ${FILES.orgUnits.file}`)
    must(
      !cells.has(`${t.row},${t.column}`),
      FILES.tiles.file,
      t.line,
      'column',
      `row ${t.row}, column ${t.column} already holds another board`,
    )
    cells.add(`${t.row},${t.column}`)
  }
  for (const p of data.populations) {
    must(unitCodes.has(p.code), FILES.populations.file, p.line, 'code', `${p.code} is not in ${FILES.orgUnits.file}`)
  }
  for (const sm of data.serviceMeasures) {
    must(
      serviceSlugs.has(sm.service),
      FILES.serviceMeasures.file,
      sm.line,
      'service',
      `${sm.service} is not in ${FILES.services.file}`,
    )
    must(
      measureNames.has(sm.measure),
      FILES.serviceMeasures.file,
      sm.line,
      'measure',
      `${sm.measure} is not in ${FILES.measures.file}`,
    )
  }
  for (const t of data.treatments) {
    must(
      serviceSlugs.has(t.service),
      FILES.treatments.file,
      t.line,
      'service',
      `${t.service} is not in ${FILES.services.file}`,
    )
  }
  for (const a of data.availability) {
    must(
      unitCodes.has(a.org_unit_code),
      FILES.availability.file,
      a.line,
      'org_unit_code',
      `${a.org_unit_code} is not in ${FILES.orgUnits.file}`,
    )
    must(
      serviceSlugs.has(a.service),
      FILES.availability.file,
      a.line,
      'service',
      `${a.service} is not in ${FILES.services.file}`,
    )
  }
  const dimensions = new Set(data.breakdownDimensions.map((d) => d.dimension))
  const categories = new Set(data.breakdownCategories.map((c) => `${c.dimension}=${c.category}`))
  for (const c of data.breakdownCategories) {
    must(
      dimensions.has(c.dimension),
      FILES.breakdownCategories.file,
      c.line,
      'dimension',
      `${c.dimension} is not in ${FILES.breakdownDimensions.file}`,
    )
  }
  const serviceMeasure = new Set(data.serviceMeasures.map((sm) => `${sm.service}:${sm.measure}`))
  for (const b of data.breakdowns) {
    must(
      serviceMeasure.has(`${b.service}:${b.measure}`),
      FILES.breakdowns.file,
      b.line,
      'measure',
      `${b.measure} is not a measure of ${b.service} in ${FILES.serviceMeasures.file}`,
    )
    must(
      dimensions.has(b.dimension),
      FILES.breakdowns.file,
      b.line,
      'dimension',
      `${b.dimension} is not in ${FILES.breakdownDimensions.file}`,
    )
  }
  const checkCategory = (file: string, line: number, field: string, dimension: string, category: string) =>
    must(
      categories.has(`${dimension}=${category}`),
      file,
      line,
      field,
      `${category} is not a ${dimension} category in ${FILES.breakdownCategories.file}`,
    )
  for (const p of data.simdPopulations) {
    must(
      unitCodes.has(p.code),
      FILES.simdPopulations.file,
      p.line,
      'code',
      `${p.code} is not in ${FILES.orgUnits.file}`,
    )
    checkCategory(FILES.simdPopulations.file, p.line, 'simd_quintile', 'simd', p.simd_quintile)
  }
  for (const p of data.ageSexPopulations) {
    must(
      unitCodes.has(p.code),
      FILES.ageSexPopulations.file,
      p.line,
      'code',
      `${p.code} is not in ${FILES.orgUnits.file}`,
    )
    checkCategory(FILES.ageSexPopulations.file, p.line, 'age_band', 'age', p.age_band)
    checkCategory(FILES.ageSexPopulations.file, p.line, 'sex', 'sex', p.sex)
  }
  return data
}

/**
 * Populations by category, one dimension at a time: the SIMD file as it is, and the age and
 * sex file summed over sex for the age bands and over age for the sexes.
 */
export function breakdownPopulationRows(data: ReferenceData) {
  const rows = new Map<
    string,
    { code: string; year: number; dimension: string; category: string; population: number; source: string }
  >()
  const add = (code: string, year: number, dimension: string, category: string, population: number, source: string) => {
    const key = [code, year, dimension, category, source].join('|')
    const row = rows.get(key) ?? { code, year, dimension, category, population: 0, source }
    row.population += population
    rows.set(key, row)
  }
  for (const p of data.simdPopulations) add(p.code, p.year, 'simd', p.simd_quintile, p.population, p.source)
  for (const p of data.ageSexPopulations) {
    add(p.code, p.year, 'age', p.age_band, p.population, p.source)
    add(p.code, p.year, 'sex', p.sex, p.population, p.source)
  }
  return [...rows.values()]
}

/** Adds whatever reference rows the database does not have yet, in one transaction. */
export async function loadReferenceData(db: Database, data: ReferenceData = readReferenceData()) {
  await db.transaction(async (tx) => {
    await tx
      .insert(orgUnits)
      .values(data.orgUnits.map(({ code, name, kind }) => ({ code, name, kind })))
      .onConflictDoNothing()
    const unitId = await idMap(tx, 'org_units', 'code')
    await tx
      .insert(orgUnitAliases)
      .values(data.aliases.map((a) => ({ code: a.code, orgUnitId: unitId(a.org_unit_code), note: a.note })))
      .onConflictDoNothing()
    await tx
      .insert(orgUnitTiles)
      .values(data.tiles.map((t) => ({ orgUnitId: unitId(t.code), row: t.row, column: t.column, label: t.label })))
      .onConflictDoNothing()
    await tx
      .insert(orgUnitPopulations)
      .values(
        data.populations.map((p) => ({
          orgUnitId: unitId(p.code),
          year: p.year,
          population: p.population,
          source: p.source,
        })),
      )
      .onConflictDoNothing()

    await tx
      .insert(services)
      .values(
        data.services.map((s) => ({
          slug: s.slug,
          name: s.name,
          family: s.family,
          delivery: s.delivery,
          description: s.description,
          sortOrder: s.sort_order,
        })),
      )
      .onConflictDoNothing()
    await tx
      .insert(measures)
      .values(
        data.measures.map((m) => ({
          name: m.name,
          label: m.label,
          unit: m.unit,
          description: m.description,
          maxMonthlyValue: m.max_monthly_value,
          sortOrder: m.sort_order,
        })),
      )
      .onConflictDoNothing()
    const serviceId = await idMap(tx, 'services', 'slug')
    const measureId = await idMap(tx, 'measures', 'name')
    await tx
      .insert(serviceMeasures)
      .values(
        data.serviceMeasures.map((sm) => ({ serviceId: serviceId(sm.service), measureId: measureId(sm.measure) })),
      )
      .onConflictDoNothing()
    await tx
      .insert(treatments)
      .values(
        data.treatments.map((t) => ({ serviceId: serviceId(t.service), name: t.name, description: t.description })),
      )
      .onConflictDoNothing()

    await tx
      .insert(breakdownDimensions)
      .values(data.breakdownDimensions.map((d) => ({ name: d.dimension, label: d.label, sortOrder: d.sort_order })))
      .onConflictDoNothing()
    const dimensionId = await idMap(tx, 'breakdown_dimensions', 'name')
    await tx
      .insert(breakdownCategories)
      .values(
        data.breakdownCategories.map((c) => ({
          dimensionId: dimensionId(c.dimension),
          name: c.category,
          label: c.label,
          rank: c.rank,
          sortOrder: c.sort_order,
        })),
      )
      .onConflictDoNothing()
    const categoryRows = await tx
      .select({
        id: breakdownCategories.id,
        dimensionId: breakdownCategories.dimensionId,
        name: breakdownCategories.name,
      })
      .from(breakdownCategories)
    const categoryId = new Map(categoryRows.map((c) => [`${c.dimensionId}=${c.name}`, c.id]))
    await tx
      .insert(breakdownMeasures)
      .values(
        data.breakdowns.map((b) => ({
          serviceId: serviceId(b.service),
          measureId: measureId(b.measure),
          dimensionId: dimensionId(b.dimension),
        })),
      )
      .onConflictDoNothing()
    const populations = breakdownPopulationRows(data)
    if (populations.length > 0) {
      await tx
        .insert(breakdownPopulations)
        .values(
          populations.map((p) => ({
            orgUnitId: unitId(p.code),
            year: p.year,
            dimensionId: dimensionId(p.dimension),
            categoryId: categoryId.get(`${dimensionId(p.dimension)}=${p.category}`)!,
            population: p.population,
            source: p.source,
          })),
        )
        .onConflictDoNothing()
    }

    // Coverage history comes from the file only for a board and service with no history yet:
    // once an administrator has recorded changes, those stand.
    const known = await tx
      .selectDistinct({ orgUnitId: serviceAvailability.orgUnitId, serviceId: serviceAvailability.serviceId })
      .from(serviceAvailability)
    const has = new Set(known.map((k) => `${k.orgUnitId}:${k.serviceId}`))
    const missing = data.availability
      .map((a) => ({
        orgUnitId: unitId(a.org_unit_code),
        serviceId: serviceId(a.service),
        status: a.status,
        liveFrom: `${a.from_month}-01`,
        liveTo: a.to_month ? `${a.to_month}-01` : null,
        note: a.note,
      }))
      .filter((a) => !has.has(`${a.orgUnitId}:${a.serviceId}`))
    if (missing.length > 0) await tx.insert(serviceAvailability).values(missing)
  })
}

async function idMap(
  tx: Executor,
  table: 'org_units' | 'services' | 'measures' | 'breakdown_dimensions',
  key: 'code' | 'slug' | 'name',
) {
  const rows = await queryRows<{ id: number; key: string }>(
    tx,
    sql`select id, ${sql.identifier(key)} as key from ${sql.identifier(table)}`,
  )
  const map = new Map(rows.map((r) => [r.key, Number(r.id)]))
  return (k: string) => {
    const id = map.get(k)
    if (id === undefined) throw new Error(`${table} has no row with ${key} ${k}`)
    return id
  }
}
