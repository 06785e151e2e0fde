import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The CSP nonce of this response, set by server.ts. */
    cspNonce: string
    /** The client's address: from X-Forwarded-For only when TRUST_PROXY trusts the peer. */
    clientIp: string
    /** Aborts when the client goes away before the response has been sent (server/app.ts). */
    clientGone: AbortSignal
  }
}
