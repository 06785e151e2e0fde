// npm run db:migrate: applies pending migrations to DATABASE_URL, or to the embedded database.
import { readConfig } from '#app/utils/config.server.ts'
import { connectDatabase } from '#db/client.ts'

const config = readConfig()
const connection = await connectDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
try {
  await connection.migrate()
  console.log(
    `Migrations applied to ${connection.engine === 'pglite' ? 'the embedded database' : 'PostgreSQL'} at ${connection.target}.`,
  )
} finally {
  await connection.close()
}
