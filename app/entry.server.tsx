import { PassThrough } from 'node:stream'
import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { markDatabaseUnhealthy } from './utils/db.server.ts'
import { getLogger } from './utils/logger.server.ts'
import { NonceProvider } from './utils/nonce.ts'

const ABORT_DELAY = 5_000

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = String(loadContext.cspNonce ?? '')
  // Crawlers and no-JavaScript clients get the whole document at once.
  const readyEvent = isbot(request.headers.get('user-agent')) ? 'onAllReady' : 'onShellReady'
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          )
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) getLogger().error({ err: error }, 'Error while streaming a page')
        },
      },
    )
    setTimeout(abort, ABORT_DELAY)
  })
}

// Errors that mean the database has gone away (node-postgres and server codes).
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
])

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return
  const code =
    (error as { code?: string; cause?: { code?: string } })?.code ??
    (error as { cause?: { code?: string } })?.cause?.code
  if ((code && CONNECTION_ERRORS.has(code)) || /Connection terminated/i.test(String((error as Error)?.message))) {
    // The next requests answer 503 until the health monitor reaches the database again.
    markDatabaseUnhealthy()
  }
  getLogger().error({ err: error, url: new URL(request.url).pathname }, 'Unhandled error in a loader or action')
}
