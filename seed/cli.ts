// npm run db:seed [-- --demo]: migrations, then reference data (only what is missing); with
// --demo, demo accounts and figures too, into a database that has no accounts or returns yet.
import { parseArgs } from 'node:util'
import { readConfig } from '#app/utils/config.server.ts'
import { connectDatabase } from '#db/client.ts'
import { prepareDatabase } from './index.ts'
import { ReferenceDataError } from './reference.ts'

const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } } })
const config = readConfig()
const connection = await connectDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
try {
  const { demoLoaded } = await prepareDatabase(connection, {
    demo: values.demo,
    deadlineDay: config.RETURN_DEADLINE_DAY,
  })
  console.log(`Reference data loaded into ${connection.target}.`)
  if (values.demo) {
    console.log(
      demoLoaded
        ? 'Demo accounts and figures loaded.'
        : 'Demo data not loaded: the database already has accounts or returns.',
    )
  }
} catch (error) {
  if (error instanceof ReferenceDataError) {
    console.error(`Reference data not loaded: ${error.message}`)
    process.exitCode = 1
  } else {
    throw error
  }
} finally {
  await connection.close()
}
