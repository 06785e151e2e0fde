// npm run user:create -- --email E --role R [--board CODE] [--name "Full Name"]
// Creates an account, e.g. the first national lead of a new deployment. The password is asked
// for (hidden) on a terminal, or read from standard input when it is piped in.
import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { findOrgUnitByCode, listBoards } from '#app/models/org-units.server.ts'
import { createUser, EmailInUseError } from '#app/models/users.server.ts'
import { createAccountSchema } from '#app/domain/accounts.ts'
import { readConfig, setConfig } from '#app/utils/config.server.ts'
import { passwordCheck } from '#app/utils/password-policy.server.ts'
import { connectDatabase, registerDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'

const USAGE =
  'Usage: npm run user:create -- --email E --role national_lead|board_lead|analyst [--board CODE] [--name "Full Name"]'

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = ''
    for await (const chunk of process.stdin) text += chunk
    return text.replace(/\r?\n$/, '')
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true })
      // Hide what is typed.
      ;(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stdout.write(s)
      }
      rl.question(question, (answer) => {
        rl.close()
        process.stdout.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('Password (at least 12 characters): ')
  const second = await ask('Same password again: ')
  if (first !== second) throw new UsageError('The two passwords are not the same.')
  return first
}

class UsageError extends Error {}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      board: { type: 'string' },
      name: { type: 'string' },
    },
  })
  if (!values.email || !values.role) throw new UsageError(USAGE)
  // The audit event is enough: keep the terminal to the one line that matters.
  const config = readConfig({ LOG_LEVEL: 'warn', ...process.env })
  setConfig(config)
  const connection = await connectDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
  registerDatabase(connection)
  try {
    await connection.migrate()
    await loadReferenceData(connection.db)
    const board = values.board ? await findOrgUnitByCode({ code: values.board.trim().toUpperCase() }) : null
    if (values.board && (!board || board.kind !== 'board'))
      throw new UsageError(`${values.board} is not a board code, such as S08000024.`)
    const password = await readPassword()
    const boards = await listBoards()
    const parsed = createAccountSchema(passwordCheck(boards.map((b) => b.name))).safeParse({
      email: values.email,
      name: values.name ?? values.email.split('@')[0],
      role: values.role,
      orgUnitId: board?.id,
      password,
    })
    if (!parsed.success)
      throw new UsageError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('\n'))
    const { password: pw, ...account } = parsed.data
    await createUser({ actor: null, account: { ...account, orgUnitId: account.orgUnitId ?? null, password: pw! } })
    console.log(`Account created: ${account.email} (${account.role}${board ? `, ${board.name}` : ''}).`)
  } finally {
    registerDatabase(undefined)
    await connection.close()
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof EmailInUseError) {
    console.error(error.message)
  } else {
    console.error((error as Error).message ?? error)
  }
  process.exitCode = 1
})
