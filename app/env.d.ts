import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The CSP nonce of this response, set by server.ts. */
    cspNonce: string
    /** The client's address (behind a proxy on this machine, from X-Forwarded-For). */
    clientIp: string
  }
}
