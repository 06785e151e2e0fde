// Account forms: one schema for the browser (instant checks) and the server (which adds the
// password strength check, kept out of the browser bundle).
import { z } from 'zod'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '#app/utils/password-rules.ts'
import { ROLES } from '#app/utils/permissions.ts'

/** Whose password it is, for the strength check: the account's email and name. */
export interface PasswordOwner {
  email?: string
  name?: string
}
export type PasswordCheck = (password: string, owner: PasswordOwner) => string | null

const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .email('Enter an email address in the right format, like name@example.scot')
  .max(254, 'Email address must be 254 characters or fewer')
const name = z
  .string({ error: 'Enter the person’s full name' })
  .trim()
  .min(1, 'Enter the person’s full name')
  .max(200, 'Name must be 200 characters or fewer')
const role = z.enum(ROLES, { error: 'Choose a role' })
const orgUnitId = z.coerce.number().int().positive().optional()

function password(check: PasswordCheck | undefined, getOwner: (value: unknown) => PasswordOwner) {
  return (value: { password?: string }, ctx: z.RefinementCtx) => {
    const pw = value.password ?? ''
    const problem =
      pw.length < MIN_PASSWORD_LENGTH
        ? `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`
        : pw.length > MAX_PASSWORD_LENGTH
          ? `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
          : (check?.(pw, getOwner(value)) ?? null)
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem })
  }
}

function boardForBoardLeads(value: { role?: string; orgUnitId?: number }, ctx: z.RefinementCtx) {
  if (value.role === 'board_lead' && value.orgUnitId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['orgUnitId'], message: 'Choose the board this lead works for' })
  }
}

export function createAccountSchema(check?: PasswordCheck) {
  return z
    .object({ email, name, role, orgUnitId, password: z.string().optional() })
    .superRefine(boardForBoardLeads)
    .superRefine(password(check, (v) => v as PasswordOwner))
}

export function changeAccountSchema() {
  return z
    .object({
      intent: z.literal('change'),
      name,
      role,
      orgUnitId,
      disabled: z
        .literal('on')
        .optional()
        .transform((v) => v === 'on'),
    })
    .superRefine(boardForBoardLeads)
}

export function resetPasswordSchema(check?: PasswordCheck, account: PasswordOwner = {}) {
  return z
    .object({ intent: z.literal('reset-password'), password: z.string().optional() })
    .superRefine(password(check, () => account))
}

export function changeOwnPasswordSchema(check?: PasswordCheck, account: PasswordOwner = {}) {
  return z
    .object({
      currentPassword: z.string({ error: 'Enter your current password' }),
      password: z.string().optional(),
      confirmPassword: z.string({ error: 'Enter the new password again' }),
    })
    .superRefine(password(check, () => account))
    .refine((v) => v.password === v.confirmPassword, {
      path: ['confirmPassword'],
      message: 'The two new passwords are not the same',
    })
}
