// The submission API's throughput: the upload bench's rows sent to POST /api/v1/returns with a
// submit token, through the real express app and production build, on a database of its own, as
// CSV or as JSON. The time is the whole request: reading the body, parsing, checking and writing.
import type { AddressInfo } from 'node:net'
import type { ServerBuild } from '@remix-run/node'
import pino from 'pino'
import { createApiToken } from '#app/models/api-tokens.server.ts'
import { createUser } from '#app/models/users.server.ts'
import { type Config } from '#app/utils/config.server.ts'
import { type DatabaseConnection, registerDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'
import { createApp } from '../server/app.ts'
import { buildCsv } from './uploads.ts'

export async function benchSubmission({
  connection,
  rows,
  format,
  build,
  config,
}: {
  connection: DatabaseConnection
  rows: number
  format: 'csv' | 'json'
  build: ServerBuild
  config: Config
}) {
  registerDatabase(connection)
  await connection.migrate()
  await loadReferenceData(connection.db)
  const email = `bench.${Date.now()}@example.scot`
  const id = await createUser({
    actor: null,
    account: { email, name: 'Bench', role: 'national_lead', orgUnitId: null, password: 'bench pass phrase long' },
  })
  const token = await createApiToken({
    actor: { id, email, role: 'national_lead', orgUnitId: null },
    name: 'Bench loader',
    scope: 'submit',
    expiresAt: null,
  })
  const csv = new TextDecoder().decode(await buildCsv(connection, rows))
  const body = format === 'csv' ? csv : JSON.stringify(toJson(csv))

  const app = createApp({
    config,
    logger: pino({ level: 'silent' }),
    build,
    readiness: { ready: () => true, check: async () => true },
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const started = performance.now()
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/returns`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': format === 'csv' ? 'text/csv' : 'application/json',
        'idempotency-key': `bench-${format}-${Date.now()}`,
      },
      body,
    })
    const answer = (await response.json()) as { figures?: { created: number }; detail?: string }
    const totalMs = performance.now() - started
    if (response.status !== 200)
      throw new Error(`The bench submission was refused (${response.status}): ${answer.detail}`)
    return {
      format,
      rows,
      megabytes: Buffer.byteLength(body) / 1024 / 1024,
      totalMs,
      rowsPerSecond: rows / (totalMs / 1000),
      figuresWritten: answer.figures!.created,
    }
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}

/** The same rows as the JSON array the API takes (values as numbers, no empty comments). */
function toJson(csv: string) {
  const [header, ...lines] = csv.split('\r\n')
  const columns = header!.split(',')
  return lines.map((line) => {
    const cells = line.split(',')
    const row: Record<string, string | number> = {}
    columns.forEach((column, i) => {
      const cell = cells[i] ?? ''
      if (column === 'value') row.value = Number(cell)
      else if (cell !== '') row[column] = cell
    })
    return row
  })
}
