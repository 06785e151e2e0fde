// The clean-up of expired sign-in counts runs under the server's control: it removes only counts
// long expired, and once stopped nothing touches the database, even after it is closed.
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { clearExpiredSignInLimits, startSignInLimitCleanup } from '#app/utils/throttle.server.ts'
import { queryRows, registerDatabase } from '#db/client.ts'
import { openTestDatabase } from '#tests/setup/database.ts'

const HOUR = 60 * 60 * 1000

describe('expired sign-in counts', () => {
  test('counts more than an hour past their expiry are removed, others kept', async () => {
    const connection = await openTestDatabase()
    registerDatabase(connection)
    try {
      const now = new Date('2026-03-01T12:00:00Z')
      const at = (ms: number) => new Date(now.getTime() + ms).toISOString()
      await connection.db.execute(sql`insert into rate_limits (key, points, expire) values
        ('long-expired', 5, ${at(-2 * HOUR)}::timestamptz),
        ('just-expired', 5, ${at(-30 * 60 * 1000)}::timestamptz),
        ('current', 1, ${at(10 * 60 * 1000)}::timestamptz),
        ('no-expiry', 1, null)`)
      await clearExpiredSignInLimits(now)
      const left = await queryRows<{ key: string }>(connection.db, sql`select key from rate_limits order by key`)
      expect(left.map((r) => r.key)).toEqual(['current', 'just-expired', 'no-expiry'])
    } finally {
      registerDatabase(undefined)
      await connection.close()
    }
  })

  test('once stopped, the clean-up never runs again, so closing the database raises nothing', async () => {
    const connection = await openTestDatabase()
    registerDatabase(connection)
    const errors: unknown[] = []
    const ran = new Promise<void>((resolve) => {
      const poll = setInterval(async () => {
        const [row] = await queryRows<{ n: number }>(connection.db, sql`select count(*)::int as n from rate_limits`)
        if (row!.n === 0) {
          clearInterval(poll)
          resolve()
        }
      }, 20)
    })
    await connection.db.execute(
      sql`insert into rate_limits (key, points, expire) values ('old', 5, now() - interval '2 hours')`,
    )
    const stop = startSignInLimitCleanup({
      everyMs: 25,
      onError: (error) => errors.push(error),
    })
    await ran
    await stop()
    registerDatabase(undefined)
    await connection.close()
    // Many intervals later: had the timer survived, each run would have failed on the closed database.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(errors).toEqual([])
  })
})
