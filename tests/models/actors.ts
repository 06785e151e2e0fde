import type { Actor } from '#app/utils/permissions.ts'

/** An actor as a route passes it to the export handlers, with an email for the audit trail. */
export function actor(id: number, role: Actor['role'], orgUnitId: number | null = null): Actor {
  return { id, role, orgUnitId, email: `${role.replace('_', '.')}.${id}@example.scot` } as Actor
}
