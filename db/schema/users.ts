import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { orgUnits } from './org-units.ts'

export const userRole = pgEnum('user_role', ['national_lead', 'board_lead', 'analyst'])

/** What an API token may do: `read` the API, or also `submit` returns through it. */
export const tokenScope = pgEnum('token_scope', ['read', 'submit'])

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    /** Stored lower-case; compared lower-case. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    lastSignedInAt: timestamp('last_signed_in_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
    check('users_email_lower_case', sql`${t.email} = lower(${t.email})`),
    // A board lead belongs to exactly one board; the other roles to none.
    check('users_board_lead_has_board', sql`(${t.role} = 'board_lead') = (${t.orgUnitId} is not null)`),
  ],
)

/** Server-side sessions. The cookie carries a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  // Serves "end every session of this user" when an account is disabled.
  (t) => [index('sessions_user').on(t.userId)],
)

/** API tokens for scripts; only the SHA-256 of the token is stored, the token is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, so its owner can tell tokens apart. */
    tokenPrefix: text('token_prefix').notNull(),
    scope: tokenScope('scope').notNull().default('read'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
)

/**
 * Audit actions that change no figure, coverage or catalogue: what people read and how they sign
 * in. The version of the data (getDataVersion) skips them, so that an export or a sign-in does not
 * empty the dashboards' caches. An action missing here only costs a cache refill.
 */
export const AUDIT_ACTIONS_READ_ONLY = [
  'export',
  'signin',
  'signin.failed',
  'signin.throttled',
  'signout',
  'account.created',
  'account.password_changed',
  'account.password_reset',
  'token.created',
  'token.revoked',
] as const

/** The condition of the audit events that change data (an index's predicate and its query's). */
export const AUDIT_CHANGES_DATA = sql.raw(`action not in (${AUDIT_ACTIONS_READ_ONLY.map((a) => `'${a}'`).join(', ')})`)

/** Who did what, when, from where, and whether it was allowed. Append-only. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id),
    /** Kept as text so the event still reads correctly after the account changes. */
    userEmail: text('user_email'),
    action: text('action').notNull(),
    outcome: text('outcome').notNull().default('success'),
    orgUnitId: integer('org_unit_id').references(() => orgUnits.id),
    subject: text('subject'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    ip: text('ip'),
  },
  (t) => [
    // Serves the /audit list, newest first, optionally for one board.
    index('audit_events_at').on(t.at),
    index('audit_events_unit_at').on(t.orgUnitId, t.at),
    // The newest event that changed data, for the data version.
    index('audit_events_data_changes').on(t.id).where(AUDIT_CHANGES_DATA),
  ],
)

/** Login throttling counters (rate-limiter-flexible's Drizzle store), shared by every app server. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true }),
})

export type User = typeof users.$inferSelect
export type UserRole = (typeof userRole.enumValues)[number]
export type TokenScope = (typeof tokenScope.enumValues)[number]
