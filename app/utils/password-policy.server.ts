// Server only: zxcvbn's dictionaries are megabytes, and the browser gets the length rule alone.
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-rules.ts'

/**
 * The lowest zxcvbn score a new password may have. Score 3 means about 10^8 guesses or more,
 * which zxcvbn's authors describe as "moderate protection from an offline slow-hash attack":
 * exactly the case of a stolen table of argon2id hashes.
 */
export const MIN_PASSWORD_SCORE = 3

/** Whose password it is: these words make a password easier to guess. */
export interface PasswordContext {
  email?: string
  name?: string
  /** Words that belong to the service, such as the boards' names (read from the database). */
  serviceWords?: readonly string[]
}

// zxcvbn's own English, in British spelling, and the user-input warning in plainer words.
const TRANSLATIONS = {
  ...english.translations,
  warnings: {
    ...english.translations.warnings,
    userInputs: 'It contains a name, an email address or a board’s name, which are easy to guess.',
  },
  suggestions: {
    ...english.translations.suggestions,
    allUppercase: 'Capitalise some, but not all letters.',
    capitalization: 'Capitalise more than the first letter.',
  },
}

let factory: ZxcvbnFactory | undefined
function zxcvbn() {
  // Built on first use (about 150 ms). Levenshtein matching is left off: it adds about
  // 300 ms a check and the three dictionaries already catch the common variations.
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: TRANSLATIONS,
  })
  return factory
}

/** The email, its local part, the name and every word of them, for zxcvbn's user inputs. */
function userInputs({ email, name, serviceWords = [] }: PasswordContext) {
  const phrases = [email, email?.split('@')[0], name, ...serviceWords].filter(
    (p): p is string => typeof p === 'string' && p.trim() !== '',
  )
  const words = phrases.flatMap((p) => p.toLowerCase().split(/[^\p{L}\p{N}]+/u))
  return [...new Set([...phrases.map((p) => p.toLowerCase()), ...words].filter((w) => w.length >= 3))]
}

/**
 * Why a new password is not acceptable, in words for the person choosing it; null when it is.
 * Length first (NCSC and NIST advice), then the email address, then how easy it is to guess.
 */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
  }
  const localPart = context.email?.split('@')[0]?.toLowerCase()
  if (localPart && localPart.length >= 4 && password.toLowerCase().includes(localPart)) {
    return 'Password must not contain your email address'
  }
  const result = zxcvbn().check(password, userInputs(context))
  if (result.score >= MIN_PASSWORD_SCORE) return null
  const { warning, suggestions } = result.feedback
  return [
    'Password is too easy to guess.',
    warning,
    ...suggestions,
    'Three random words make a strong password that is easy to remember.',
  ]
    .filter(Boolean)
    .join(' ')
}

/** The check the account forms run on the server, knowing the service's own words. */
export function passwordCheck(serviceWords: readonly string[]) {
  return (password: string, owner: { email?: string; name?: string }) =>
    passwordProblem(password, { ...owner, serviceWords })
}
