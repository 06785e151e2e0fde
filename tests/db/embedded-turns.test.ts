// The embedded database runs its queries on the thread that answers requests, and a query's
// promise settles without the event loop turning. Each query outside a transaction must give the
// event loop a turn, or requests that query one after another hold back every other connection
// (under the mixed load, /healthz waited 16 s); a transaction's statements must not, so that it
// holds the one connection as briefly as it can.
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()

describe.skipIf(ENGINE !== 'pglite')('the embedded database and the event loop', () => {
  test('a query outside a transaction gives the event loop a turn before its caller goes on', async () => {
    let done = 0
    let seen: number | null = null
    setImmediate(() => (seen = done))
    for (let i = 0; i < 50; i++) {
      await t.db.execute(sql`select 1`)
      done++
    }
    // The callback ran before the first query's caller went on; without the turn, all 50 queries
    // would have run first.
    expect(seen).toBe(0)
  })

  test("a transaction's statements run back to back", async () => {
    let done = 0
    let seen: number | null = null
    await t.db.transaction(async (tx) => {
      setImmediate(() => (seen = done))
      for (let i = 0; i < 20; i++) {
        await tx.execute(sql`select 1`)
        done++
      }
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen).toBe(20)
  })
})
