// How the measures a return carries relate to each other: the checks on a return and disclosure
// control (a whole less its part is a count of people too) both read it.

/** A part that can never exceed its whole, within one board, service and month. */
export const PART_OF_WHOLE = [
  { part: 'self_referrals', whole: 'referrals' },
  { part: 'started_within_18_weeks', whole: 'started' },
  { part: 'proms_at_caseness', whole: 'proms_paired' },
  { part: 'proms_recovered', whole: 'proms_at_caseness' },
  { part: 'proms_reliably_improved', whole: 'proms_paired' },
] as const
