// Errors as HTTP responses (STYLE.md habit 6): thrown from loaders, actions and model
// functions alike, rendered by the shared error boundary.

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, statusText: 'Bad Request' })
}

export function forbidden(message = 'Your role does not allow this.'): Response {
  return new Response(message, { status: 403, statusText: 'Forbidden' })
}

export function notFound(message = 'If you typed the address, check it is correct.'): Response {
  return new Response(message, { status: 404, statusText: 'Not Found' })
}

/** Refuses with 403 unless `allowed`: the one way every permission check ends. */
export function assertAllowed(allowed: boolean, message?: string): asserts allowed {
  if (!allowed) throw forbidden(message)
}
