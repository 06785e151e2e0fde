import { COMMON_PASSWORDS } from './common-passwords.server.ts'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-rules.ts'

/**
 * Why a new password is not acceptable, in words for the person choosing it; null when it is.
 * Length first (NCSC and NIST advice), then common and guessable choices.
 */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
  }
  const lower = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lower)) {
    return 'Password is too common: choose one that other people are unlikely to use, such as three random words'
  }
  if (new Set(lower).size <= 3) {
    return 'Password repeats too few characters: choose one that is harder to guess, such as three random words'
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase()
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) {
    return 'Password must not contain your email address'
  }
  return null
}
