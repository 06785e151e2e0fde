// The fields of the return page's query forms, shared by the page (ids, lengths) and the server
// (the schemas that parse them).
import { z } from 'zod'
import { FigureValueSchema } from './rules.ts'

export const QUERY_INTENTS = ['raise-query', 'answer-query', 'close-query', 'reopen-query'] as const
export type QueryIntent = (typeof QUERY_INTENTS)[number]

export const isQueryIntent = (intent: unknown): intent is QueryIntent => QUERY_INTENTS.includes(intent as QueryIntent)

export const QUERY_BODY_MAX_LENGTH = 2_000

/** The ids of the query forms' fields in the page (the error summary links to them). */
export const queryFieldIds = {
  figure: 'raise-query-figure',
  question: 'raise-query-question',
  answer: (id: number) => `query-${id}-answer`,
  correction: (id: number) => `query-${id}-correction`,
  close: (id: number) => `query-${id}-close-note`,
  reopen: (id: number) => `query-${id}-reopen-note`,
}

/** A message of the conversation: `what` for a missing one, `name` for one too long. */
const body = (what: string, name: string) =>
  z.string().trim().min(1, `Enter ${what}`).max(QUERY_BODY_MAX_LENGTH, `${name} must be 2,000 characters or fewer`)

export const RaiseSchema = z.object({
  // `return` for the whole return, else `<service>.<measure>`.
  figure: z.string().regex(/^(return|[a-z0-9-]+\.[a-z0-9_]+)$/, 'Choose the figure the query is about'),
  body: body('the question', 'Question'),
})
export const QueryIdSchema = z.coerce.number().int().positive()
export const AnswerSchema = z.object({
  queryId: QueryIdSchema,
  body: body('your answer', 'Answer'),
  correction: FigureValueSchema.default(null),
  version: z.coerce.number().int().min(0),
})
export const CloseSchema = z.object({ queryId: QueryIdSchema, body: body('a note for closing the query', 'Note') })
export const ReopenSchema = z.object({
  queryId: QueryIdSchema,
  body: body('the reason for reopening the query', 'Reason'),
})
