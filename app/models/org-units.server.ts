import { asc, eq } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { orgUnits } from '#db/schema/index.ts'

/** The territorial boards, by name. */
export async function listBoards() {
  return getDb()
    .select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name })
    .from(orgUnits)
    .where(eq(orgUnits.kind, 'board'))
    .orderBy(asc(orgUnits.name))
}

export async function findOrgUnitByCode({ code }: { code: string }) {
  const [row] = await getDb()
    .select({ id: orgUnits.id, code: orgUnits.code, name: orgUnits.name, kind: orgUnits.kind })
    .from(orgUnits)
    .where(eq(orgUnits.code, code))
    .limit(1)
  return row ?? null
}
