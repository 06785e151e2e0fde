// The activity export of the demo data, byte for byte: the exact bytes of a set of exports (CSV,
// JSON, long and wide, every grain, with and without disclosure control, a board lead's, with
// rates and with a breakdown) are pinned by their SHA-256, taken from the export as it was before
// the export was rewritten for speed (one streaming read, a writer without csv-stringify, a
// pattern cache bounded in bytes). The speed work must publish exactly what was published before:
// the same rows in the same order, the same qualifiers, the same CSV quoting and spreadsheet-safe
// text, and disclosure control suppressing exactly the same figures.
//
// The digests depend on the demo data at NOW: if the demo generator changes on purpose, take them
// again from an export you have checked by other means (exports-demo.test.ts reconciles the
// figures with an independent query), never just from whatever the code writes today.
import crypto from 'node:crypto'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import { queryRows } from '#db/client.ts'
import { loadDemoData } from '#seed/demo.ts'
import { actor } from '#tests/models/actors.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

const NOW = new Date('2026-11-22T12:00:00Z')
const THRESHOLD = 4
const t = useTestDatabase()

// Loading the demo takes a minute or two, more on a busy machine.
beforeAll(async () => {
  await loadDemoData(t.db, { now: NOW, deadlineDay: 15 })
}, 600_000)

type Who = 'analyst' | 'national' | 'lothian'

/** Each export, who asks for it, and the SHA-256 (hex) and size of its body before the rewrite. */
const EXPORTS: Array<{ who: Who; query: string; sha256: string; bytes: number }> = [
  {
    who: 'analyst',
    query: 'from=2021-04&to=2026-10&format=csv',
    sha256: 'fc5822a2a1100f456c9ddc6f76eec7a8e421ecec916834f68856420aabde40a1',
    bytes: 5109872,
  },
  {
    who: 'analyst',
    query: 'from=2021-04&to=2026-09&format=csv&grain=fq&layout=wide',
    sha256: 'e2a331345bc44fe8ac5faf8a99f2ff01984c74bb43147bed91158074795c4387',
    bytes: 407222,
  },
  {
    who: 'analyst',
    query:
      'from=2022-04&to=2026-03&format=json&grain=fy&measure=referrals,started,completed,eighteen_weeks,completion_rate,recovery_rate',
    sha256: '9d210b64998503f5d7b54dbafd2b0ebc0693bb21e333c7061b1cae9f03a0ccdf',
    bytes: 457644,
  },
  {
    who: 'analyst',
    query:
      'from=2025-01&to=2026-10&format=csv&board=S08000024,S92000003&service=ccbt-adults,ccbt-cyp&measure=referrals,self_referral_share,reliable_improvement_rate&layout=wide',
    sha256: 'c3140565dc603ea5223784dc0c14e54d5051b6a7ae036f9130bc129471a89a60',
    bytes: 5916,
  },
  {
    who: 'national',
    query: 'from=2021-04&to=2026-10&format=csv&sdc=off',
    sha256: 'b1cffe834d80804efc20ad2678d87bbd18818c7ef2d7273c24f1968d7049e185',
    bytes: 5114701,
  },
  {
    who: 'national',
    query: 'from=2024-01&to=2025-06&format=json&sdc=off&layout=wide',
    sha256: 'a854fba4a76f8e5c0edae28e912ec6922c79c5158a53702b8c1a76b1064dfd38',
    bytes: 3459537,
  },
  {
    who: 'lothian',
    query: 'from=2022-04&to=2026-10&format=csv',
    sha256: '4348f6e461ec05c3311e5efcb38e92b7e09ba44617bd45c6927be534e7f12ef1',
    bytes: 294836,
  },
  {
    who: 'analyst',
    query: 'from=2024-04&to=2026-09&format=csv&grain=fq&breakdown=simd',
    sha256: '06dc27dd4ec69fb3ee5882ca2c51fba4b291ec172c09ce932a1ad86c11db3903',
    bytes: 2450540,
  },
]

async function body(who: Who, query: string) {
  // Lothian is S08000024.
  const [lothian] = await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`)
  const caller =
    who === 'analyst'
      ? actor(1, 'analyst')
      : who === 'national'
        ? actor(2, 'national_lead')
        : actor(3, 'board_lead', Number(lothian!.id))
  const response = await exportActivity({
    params: new URLSearchParams(query),
    actor: caller,
    now: NOW,
    threshold: THRESHOLD,
    deadlineDay: 15,
  })
  expect(response.status, await response.clone().text()).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

describe(`the activity export of the demo data, byte for byte, on ${ENGINE}`, () => {
  test.each(EXPORTS)(
    '$who: $query',
    async ({ who, query, sha256, bytes }) => {
      const first = await body(who, query)
      expect(first.byteLength).toBe(bytes)
      expect(crypto.createHash('sha256').update(first).digest('hex')).toBe(sha256)
      // Again at once, with the suppression patterns kept from the first: the same bytes.
      const again = await body(who, query)
      expect(crypto.createHash('sha256').update(again).digest('hex')).toBe(sha256)
    },
    300_000,
  )
})
