import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

describe('security headers on every page', () => {
  test('a page carries a CSP with a fresh nonce, HSTS, nosniff, no-store and no X-Powered-By', async () => {
    const first = await fetch(`${server.url}/login`)
    const second = await fetch(`${server.url}/login`)
    expect(first.status).toBe(200)
    const csp = first.headers.get('content-security-policy')!
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(second.headers.get('content-security-policy')).not.toContain(nonce)
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("base-uri 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(first.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect(first.headers.get('x-content-type-options')).toBe('nosniff')
    expect(first.headers.get('x-powered-by')).toBeNull()
    expect(first.headers.get('cache-control')).toBe('no-store')
    // Every script the page runs carries the nonce.
    const html = await first.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
  })

  test('a page that does not exist is a 404 with the same headers', async () => {
    const response = await fetch(`${server.url}/no-such-page`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-security-policy')).toContain("object-src 'none'")
    expect(await response.text()).toContain('Page not found')
  })
})

describe('health checks', () => {
  test('/healthz and /readyz answer 200 when the database is reachable', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ready: true })
  })
})

describe('origin check on requests that can change something', () => {
  test('a POST from another site is refused with 403', async () => {
    const response = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/refused/)
  })

  test('a POST with neither Origin nor Referer is refused', async () => {
    const response = await fetch(`${server.url}/`, { method: 'POST', body: 'a=1' })
    expect(response.status).toBe(403)
  })

  test('a POST from our own origin reaches the app', async () => {
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=',
    })
    // The app, not the origin check, answers: the form is incomplete.
    expect(response.status).toBe(400)
  })
})
