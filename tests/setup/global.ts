// Runs once before the suite: prepares one migrated database holding the reference data, which
// each test file then copies (a PGlite dump, or a PostgreSQL template database), and makes sure
// the production build that the HTTP tests serve is up to date.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { TestProject } from 'vitest/node'
import { connectDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'
import { ensureProductionBuild } from '../../server/build.ts'
import { adminUrl, databaseUrlFor, serverUrl, TEMPLATE_DATABASE } from './postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string
    postgresTemplate: string
  }
}

export default async function setup(project: TestProject) {
  ensureProductionBuild((message) => console.log(message))
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
    await admin.db.execute(sql.raw(`drop database if exists ${TEMPLATE_DATABASE} with (force)`))
    await admin.db.execute(sql.raw(`create database ${TEMPLATE_DATABASE}`))
    await admin.close()
    const template = await connectDatabase({
      databaseUrl: databaseUrlFor(serverUrl(databaseUrl), TEMPLATE_DATABASE),
      maxConnections: 1,
    })
    await template.migrate()
    await loadReferenceData(template.db)
    await template.close()
    project.provide('postgresTemplate', TEMPLATE_DATABASE)
    project.provide('pgliteDump', '')
    return async () => {
      const admin = await connectDatabase({ databaseUrl: adminUrl(databaseUrl), maxConnections: 1 })
      await admin.db.execute(sql.raw(`drop database if exists ${TEMPLATE_DATABASE} with (force)`))
      await admin.close()
    }
  }
  const connection = await connectDatabase({ memory: true })
  await connection.migrate()
  await loadReferenceData(connection.db)
  const client = (connection.db as unknown as { $client: PGlite }).$client
  const dump = await client.dumpDataDir('none')
  await connection.close()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtd-test-'))
  const file = path.join(dir, 'template.tar')
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  project.provide('pgliteDump', file)
  project.provide('postgresTemplate', '')
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
