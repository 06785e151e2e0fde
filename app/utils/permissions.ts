// Who may do what: DESIGN.md's roles table, in one place. Routes check these before they act,
// and model functions repeat the board restriction in their queries.
import type { returnStatus } from '#db/schema/returns.ts'
import type { TokenScope, userRole } from '#db/schema/users.ts'

export type Role = (typeof userRole.enumValues)[number]
/** The schema's roles, in the order forms offer them. */
export const ROLES = ['national_lead', 'board_lead', 'analyst'] as const satisfies readonly Role[]

export type { TokenScope }
/** The schema's token scopes, in the order forms offer them. */
export const TOKEN_SCOPES = ['read', 'submit'] as const satisfies readonly TokenScope[]

export const ROLE_LABELS: Record<Role, string> = {
  national_lead: 'National programme lead',
  board_lead: 'Board digital therapy lead',
  analyst: 'Policy team analyst',
}

/** The signed-in person, as far as permissions are concerned. */
export interface Actor {
  id: number
  /** Kept with the actor so audit events name who acted. */
  email: string
  role: Role
  /** The board of a board lead; null for the other roles. */
  orgUnitId: number | null
}

export type ReturnStatus = (typeof returnStatus.enumValues)[number]

export const can = {
  /** Dashboards are open to every role, every board (for benchmarking). */
  viewDashboards: (_actor: Actor) => true,
  /** Enter, save or upload a board's figures: any board for the national lead; a board lead
   * their own board while the month is open (not approved). */
  editReturn: (actor: Actor, target: { orgUnitId: number; status: ReturnStatus | null }) =>
    actor.role === 'national_lead' ||
    (actor.role === 'board_lead' && actor.orgUnitId === target.orgUnitId && target.status !== 'approved'),
  /** See a board's returns list and return pages. */
  viewReturns: (actor: Actor, target: { orgUnitId: number }) =>
    actor.role === 'national_lead' || (actor.role === 'board_lead' && actor.orgUnitId === target.orgUnitId),
  /** Approve (lock) a month, or reopen an approved one. */
  approveReturn: (actor: Actor) => actor.role === 'national_lead',
  /** Export figures or use the API: board leads for their own board only. */
  exportBoard: (actor: Actor, target: { orgUnitId: number }) =>
    actor.role !== 'board_lead' || actor.orgUnitId === target.orgUnitId,
  /** Turn disclosure control off: everyone except for figures of boards they may not export. */
  exportUnsuppressed: (actor: Actor, target: { orgUnitId: number }) => can.exportBoard(actor, target),
  /** Create and revoke API tokens (of the scopes `tokenScopes` gives the role). */
  manageApiTokens: (actor: Actor) => tokenScopes(actor).length > 0,
  /** Submit returns through the API: whoever may enter figures, with a token of the `submit` scope. */
  submitByApi: (actor: Actor, token: { scope: TokenScope } | null) =>
    token?.scope === 'submit' && tokenScopes(actor).includes('submit'),
  /** Accounts, the service catalogue, coverage and populations. */
  administer: (actor: Actor) => actor.role === 'national_lead',
  /** Data queries are about returns, so they follow the returns: the national lead sees every
   * board's, a board lead their own board's. Analysts do not enter or see returns, so they do not
   * see queries either (the published figures they export carry the p and r qualifiers). */
  viewQueries: (actor: Actor, target?: { orgUnitId: number }) =>
    actor.role === 'national_lead' ||
    (actor.role === 'board_lead' && (target === undefined || actor.orgUnitId === target.orgUnitId)),
  /** Raise, close and reopen a query: the national lead. */
  raiseQuery: (actor: Actor) => actor.role === 'national_lead',
  /** Answer a query (and correct its figure): the lead of the board the query is about. */
  answerQuery: (actor: Actor, target: { orgUnitId: number }) =>
    actor.role === 'board_lead' && actor.orgUnitId === target.orgUnitId,
  /** The monthly report: the national one (orgUnitId null) for everyone, a board's for everyone
   * but the leads of other boards. */
  viewReport: (actor: Actor, target: { orgUnitId: number | null }) =>
    actor.role !== 'board_lead' || target.orgUnitId === null || actor.orgUnitId === target.orgUnitId,
  /** The audit trail: all of it for the national lead, their own board's for a board lead. */
  viewAudit: (actor: Actor) => actor.role === 'national_lead' || actor.role === 'board_lead',
} as const

/**
 * The scopes of the API tokens an actor may create: analysts read; board leads submit their own
 * board's returns (and read what their session reads); the national lead either.
 */
export function tokenScopes(actor: Actor): TokenScope[] {
  if (actor.role === 'national_lead') return ['read', 'submit']
  if (actor.role === 'board_lead') return ['submit']
  return ['read']
}

/** The boards whose figures an actor may export: null means every board. */
export function exportableOrgUnitIds(actor: Actor): number[] | null {
  return actor.role === 'board_lead' ? [actor.orgUnitId!] : null
}
