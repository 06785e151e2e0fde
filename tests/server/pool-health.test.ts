// A pool with every connection in use is a busy app, not an unreachable database: the health
// check (which turns pages into 503s when it fails) must still pass.
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { connectDatabase, pingWithin } from '#db/client.ts'
import { adminUrl } from '#tests/setup/postgres.ts'

describe.skipIf(!process.env.DATABASE_URL)('the health check on PostgreSQL', () => {
  test('answers while every pooled connection is busy', async () => {
    const connection = await connectDatabase({ databaseUrl: adminUrl(process.env.DATABASE_URL!), maxConnections: 2 })
    try {
      // Both pooled connections busy for 1 s, and a third query waiting behind them.
      // (Drizzle runs a query when it is awaited or then-ed.)
      const busy = [1, 2, 3].map(() => connection.db.execute(sql`select pg_sleep(1)`).then((r) => r))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(connection.poolUse!()[0]).toMatchObject({ pool: 'primary', max: 2, total: 2, idle: 0, waiting: 1 })
      const started = Date.now()
      await pingWithin(connection, 500)
      expect(Date.now() - started).toBeLessThan(500)
      await Promise.all(busy)
    } finally {
      await connection.close()
    }
  })
})
