import { bigserial, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { apiTokens } from './users.ts'

/**
 * The answers of `POST /api/v1/returns`, kept by the token and its `Idempotency-Key`: a request
 * repeated with the same key gets the first answer again and changes nothing. `requestSha256`
 * tells a true repeat from a different body sent with a key already used.
 */
export const submissionRequests = pgTable(
  'submission_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenId: integer('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    requestSha256: text('request_sha256').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('submission_requests_key').on(t.tokenId, t.idempotencyKey)],
)

export type SubmissionRequest = typeof submissionRequests.$inferSelect
