// The production app over HTTP on the demo data, read as the demo analyst: for tests that check
// the dashboards and the API the way a user and a script reach them.
import { afterAll, beforeAll, expect } from 'vitest'
import type { Database } from '#db/client.ts'
import { DEMO_PASSWORD, loadDemoData } from '#seed/demo.ts'
import { TestClient } from './client.ts'
import { startTestServer } from './server.ts'

export function useDemoServer(t: { db: Database }, now: Date) {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined
  let cookie = ''
  beforeAll(async () => {
    // The server reads the clock, so the demo is generated to the same day.
    await loadDemoData(t.db, { now, deadlineDay: 15 })
    server = await startTestServer()
    // Dashboards are open to every role.
    const analyst = new TestClient(server.url)
    await analyst.signIn('analyst@demo.scot', DEMO_PASSWORD)
    cookie = analyst.cookie
  })
  afterAll(() => server?.close())

  /** fetch, signed in. */
  const get = (input: string | URL, init: RequestInit = {}) =>
    fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } })

  return {
    get,
    /** The server's address, once it has started. */
    get url() {
      return server!.url
    },
    /** A route's loader data for a page, as the browser fetches it. */
    async data<T>(path: string, route: string): Promise<T> {
      const url = new URL(path, server!.url)
      url.searchParams.set('_data', route)
      const response = await get(url)
      expect(response.status, path).toBe(200)
      return (await response.json()) as T
    },
  }
}
