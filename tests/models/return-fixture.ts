// Monthly returns written the way the return workflow writes them: figures as append-only
// versions with explicit times, the workflow as events, the returns row kept in step. Lets a test
// build a history (saved, submitted, approved, reopened, revised) at chosen moments.
import { sql } from 'drizzle-orm'
import { type Database, queryRows } from '#db/client.ts'

export class ReturnFixture {
  private ids?: { units: Map<string, number>; services: Map<string, number>; measures: Map<string, number> }

  constructor(private readonly db: Database) {}

  async load() {
    const [units, services, measures] = await Promise.all([
      queryRows<{ id: number; code: string }>(this.db, sql`select id, code from org_units`),
      queryRows<{ id: number; slug: string }>(this.db, sql`select id, slug from services`),
      queryRows<{ id: number; name: string }>(this.db, sql`select id, name from measures`),
    ])
    this.ids = {
      units: new Map(units.map((u) => [u.code, Number(u.id)])),
      services: new Map(services.map((s) => [s.slug, Number(s.id)])),
      measures: new Map(measures.map((m) => [m.name, Number(m.id)])),
    }
    return this
  }

  unit(code: string) {
    const id = this.ids!.units.get(code)
    if (id === undefined) throw new Error(`no unit ${code}`)
    return id
  }

  /** Saves a figure at `at`: closes the version current then, adds the new one. */
  async figure(code: string, service: string, month: string, measure: string, value: number | null, at: string) {
    const unit = this.unit(code)
    const serviceId = this.ids!.services.get(service)!
    const measureId = this.ids!.measures.get(measure)!
    await this.db
      .execute(sql`insert into returns (org_unit_id, month, updated_at) values (${unit}, ${`${month}-01`}, ${at}::timestamptz)
      on conflict do nothing`)
    await this.db.execute(sql`update return_values set valid_to = ${at}::timestamptz
      where org_unit_id = ${unit} and service_id = ${serviceId} and month = ${`${month}-01`} and measure_id = ${measureId}
        and valid_to is null`)
    await this.db.execute(sql`insert into return_values (org_unit_id, service_id, month, measure_id, value, valid_from)
      values (${unit}, ${serviceId}, ${`${month}-01`}, ${measureId}, ${value}, ${at}::timestamptz)`)
  }

  async submit(code: string, month: string, at: string) {
    await this.event(code, month, 'submitted', at)
    await this.db.execute(sql`update returns set status = 'submitted', submitted_at = ${at}::timestamptz,
      first_submitted_at = coalesce(first_submitted_at, ${at}::timestamptz), version = version + 1
      where org_unit_id = ${this.unit(code)} and month = ${`${month}-01`}`)
  }

  async approve(code: string, month: string, at: string) {
    await this.event(code, month, 'approved', at)
    await this.db.execute(sql`update returns set status = 'approved', approved_at = ${at}::timestamptz,
      first_approved_at = coalesce(first_approved_at, ${at}::timestamptz), version = version + 1
      where org_unit_id = ${this.unit(code)} and month = ${`${month}-01`}`)
  }

  async reopen(code: string, month: string, at: string) {
    await this.event(code, month, 'reopened', at)
    await this.db.execute(sql`update returns set status = 'draft', version = version + 1
      where org_unit_id = ${this.unit(code)} and month = ${`${month}-01`}`)
  }

  /** Saves, submits and approves a whole return of one service in one go. */
  async approvedReturn(
    code: string,
    service: string,
    month: string,
    figures: Record<string, number | null>,
    day: string,
  ) {
    for (const [measure, value] of Object.entries(figures))
      await this.figure(code, service, month, measure, value, `${day}T09:00:00Z`)
    await this.submit(code, month, `${day}T10:00:00Z`)
    await this.approve(code, month, `${day}T11:00:00Z`)
  }

  private async event(code: string, month: string, action: string, at: string) {
    await this.db.execute(sql`insert into return_events (org_unit_id, month, action, at)
      values (${this.unit(code)}, ${`${month}-01`}, ${action}::return_action, ${at}::timestamptz)`)
  }
}

/** The 14 territorial boards' codes, from the reference data. */
export async function boardCodes(db: Database) {
  const rows = await queryRows<{ code: string }>(db, sql`select code from org_units where kind = 'board' order by code`)
  return rows.map((r) => r.code)
}
