// A tiny browser stand-in for HTTP tests: keeps its cookie, sends same-origin form posts, and
// can pretend to come from another address (X-Forwarded-For, honoured because the tests' own
// configuration trusts the loopback interface: TRUST_PROXY=loopback in tests/setup/each-file.ts).
import { createUser } from '#app/models/users.server.ts'
import type { Actor, Role } from '#app/utils/permissions.ts'

export const TEST_PASSWORD = 'a long test pass phrase'

export class TestClient {
  cookie = ''
  constructor(
    readonly baseUrl: string,
    readonly ip = '203.0.113.10',
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return { 'x-forwarded-for': this.ip, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra }
  }

  private keepCookie(response: Response) {
    const set = response.headers.get('set-cookie')
    if (!set) return
    const pair = set.split(';')[0]!
    this.cookie = pair.endsWith('=') ? '' : pair
  }

  async get(path: string) {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: this.headers(), redirect: 'manual' })
    this.keepCookie(response)
    return response
  }

  async post(path: string, form: Record<string, string | string[]>, options: { origin?: string | null } = {}) {
    const body = new URLSearchParams()
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
    }
    const origin = options.origin === undefined ? this.baseUrl : options.origin
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers({
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin ? { origin } : {}),
      }),
      body,
      redirect: 'manual',
    })
    this.keepCookie(response)
    return response
  }

  async signIn(email: string, password = TEST_PASSWORD, redirectTo = '/') {
    return this.post('/login', { email, password, redirectTo })
  }
}

/** Creates an account with the test password (as the command line would). */
export async function createTestUser(email: string, role: Role, orgUnitId: number | null = null) {
  const id = await createUser({
    actor: null,
    account: { email, name: email.split('@')[0]!, role, orgUnitId, password: TEST_PASSWORD },
  })
  return id
}

/** Creates an account as createTestUser does, and gives it as the models' actor. */
export async function createTestActor(email: string, role: Role, orgUnitId: number | null = null): Promise<Actor> {
  return { id: await createTestUser(email, role, orgUnitId), email, role, orgUnitId } as Actor
}
