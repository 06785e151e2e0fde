// The organisational units: the territorial boards and the national unit, their superseded codes,
// their latest populations and their places on the tile map. Every other module asks here.
import { asc, eq, sql } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { type Executor, queryRows } from '#db/client.ts'
import { orgUnitAliases, orgUnits } from '#db/schema/index.ts'

export type OrgUnit = Pick<typeof orgUnits.$inferSelect, 'id' | 'code' | 'name' | 'kind'>
export type OrgUnitKind = OrgUnit['kind']
export type BoardSummary = Pick<OrgUnit, 'id' | 'code' | 'name'>

const ORG_UNIT = { id: orgUnits.id, code: orgUnits.code, name: orgUnits.name, kind: orgUnits.kind }

/** Every unit, boards and national, by name. */
export async function listOrgUnits(db: Executor = getDb()): Promise<OrgUnit[]> {
  return db.select(ORG_UNIT).from(orgUnits).orderBy(asc(orgUnits.name), asc(orgUnits.code))
}

/** The territorial boards, by name. */
export async function listBoards(db: Executor = getDb()) {
  return db
    .select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name })
    .from(orgUnits)
    .where(eq(orgUnits.kind, 'board'))
    .orderBy(asc(orgUnits.name))
}

/** The unit with this code (upper or lower case), or null. */
export async function findOrgUnitByCode({ code }: { code: string }, db: Executor = getDb()): Promise<OrgUnit | null> {
  const [row] = await db.select(ORG_UNIT).from(orgUnits).where(eq(orgUnits.code, code.trim().toUpperCase())).limit(1)
  return row ?? null
}

/** Superseded codes, accepted on import and recoded to the unit that replaced them. */
export async function listOrgUnitAliases(db: Executor = getDb()) {
  return db
    .select({ code: orgUnitAliases.code, orgUnitId: orgUnitAliases.orgUnitId, note: orgUnitAliases.note })
    .from(orgUnitAliases)
}

export interface OrgUnitListItem {
  code: string
  name: string
  kind: OrgUnitKind
  population: { year: number; value: number; source: string } | null
  supersededCodes: string[]
}

/** Boards (and the national unit) with their latest population and superseded codes (/api/v1/boards). */
export async function listOrgUnitDirectory(db: Executor = getDb()): Promise<OrgUnitListItem[]> {
  const rows = await queryRows<{
    code: string
    name: string
    kind: OrgUnitKind
    year: number | null
    population: number | null
    source: string | null
    aliases: string[] | null
  }>(
    db,
    sql`
      select o.code, o.name, o.kind::text as kind, p.year, p.population, p.source,
        (select array_agg(a.code order by a.code) from ${orgUnitAliases} a where a.org_unit_id = o.id) as aliases
      from ${orgUnits} o
      left join lateral (
        select year, population, source from org_unit_populations
        where org_unit_id = o.id order by year desc, loaded_at desc limit 1
      ) p on true
      order by o.kind, o.name`,
  )
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind,
    population: r.year === null ? null : { year: Number(r.year), value: Number(r.population), source: r.source! },
    supersededCodes: r.aliases ?? [],
  }))
}

export type BoardTile = {
  code: string
  row: number
  column: number
  label: string
}

/** The boards' places on the tile map (boards without one are listed in its table only). */
export async function listBoardTiles(): Promise<BoardTile[]> {
  const rows = await queryRows<BoardTile>(
    getDb(),
    sql`select o.code, t.row, t.column, t.label from org_unit_tiles t join ${orgUnits} o on o.id = t.org_unit_id order by t.row, t.column`,
  )
  return rows.map((r) => ({ ...r, row: Number(r.row), column: Number(r.column) }))
}
