// One definition of each indicator: its name, what it divides by what, its standard, and the
// words shown beside it. The SQL in app/models builds each rate from these definitions.

export interface RateIndicator {
  id: string
  label: string
  numerator: string
  denominator: string
  /** The national standard, as a ratio, where one exists. */
  standard?: number
  definition: string
}

export const RATE_INDICATORS = {
  selfReferralShare: {
    id: 'self_referral_share',
    label: 'Self-referral share',
    numerator: 'self_referrals',
    denominator: 'referrals',
    definition:
      'Self-referrals divided by all referrals to cCBT and ieCBT services in the period: the share of people who referred themselves.',
  },
  eighteenWeeks: {
    id: 'eighteen_weeks',
    label: 'Started within 18 weeks',
    numerator: 'started_within_18_weeks',
    denominator: 'started',
    standard: 0.9,
    definition:
      'People who started treatment within 18 weeks of referral, divided by everyone who started treatment in the period. The Scottish Government standard for psychological therapies is 90%.',
  },
  completionRate: {
    id: 'completion_rate',
    label: 'Completion rate',
    numerator: 'completed',
    denominator: 'started',
    definition: 'People who completed treatment divided by people who started treatment in the same period.',
  },
  recoveryRate: {
    id: 'recovery_rate',
    label: 'Recovery rate',
    numerator: 'proms_recovered',
    denominator: 'proms_at_caseness',
    standard: 0.5,
    definition:
      'People who recovered divided by people who finished treatment with paired scores and were at caseness at the start (PHQ-9 of 10 or more, or GAD-7 of 8 or more). Recovered means below caseness on both at the end. The standard is 50%.',
  },
  reliableImprovementRate: {
    id: 'reliable_improvement_rate',
    label: 'Reliable improvement rate',
    numerator: 'proms_reliably_improved',
    denominator: 'proms_paired',
    definition:
      'People who reliably improved (PHQ-9 down by 6 or more, or GAD-7 down by 4 or more) divided by people who finished treatment with paired scores.',
  },
} as const satisfies Record<string, RateIndicator>

export type RateIndicatorKey = keyof typeof RATE_INDICATORS

/**
 * The counts the dashboards show: one measure, summed over the services of one family or of
 * every service that carries it. "Referrals" are the therapy services' referrals (only cCBT and
 * ieCBT carry the measure); video sessions are the sessions of the video family (ieCBT's
 * webchat sessions are not video sessions).
 */
export interface CountSeries {
  id: string
  label: string
  measure: string
  family?: string
  unit: string
  definition: string
}

export const COUNT_SERIES = {
  referrals: {
    id: 'referrals',
    label: 'Referrals',
    measure: 'referrals',
    unit: 'people',
    definition: 'People referred to the computerised CBT and ieCBT services, by a professional or by themselves.',
  },
  selfReferrals: {
    id: 'self_referrals',
    label: 'Self-referrals',
    measure: 'self_referrals',
    unit: 'people',
    definition: 'People who referred themselves to the computerised CBT and ieCBT services (part of referrals).',
  },
  started: {
    id: 'started',
    label: 'Started treatment',
    measure: 'started',
    unit: 'people',
    definition: 'People who started treatment with a computerised CBT or ieCBT service.',
  },
  startedWithin18Weeks: {
    id: 'started_within_18_weeks',
    label: 'Started within 18 weeks',
    measure: 'started_within_18_weeks',
    unit: 'people',
    definition: 'People who started treatment within 18 weeks of being referred (part of started).',
  },
  completed: {
    id: 'completed',
    label: 'Completed treatment',
    measure: 'completed',
    unit: 'people',
    definition: 'People who finished their course of treatment.',
  },
  promsPaired: {
    id: 'proms_paired',
    label: 'Finished with paired scores',
    measure: 'proms_paired',
    unit: 'people',
    definition: 'People who finished treatment with PHQ-9 or GAD-7 scores at both the start and the end.',
  },
  promsAtCaseness: {
    id: 'proms_at_caseness',
    label: 'At caseness at start',
    measure: 'proms_at_caseness',
    unit: 'people',
    definition:
      'People with paired scores who were at caseness at the start (PHQ-9 of 10 or more, or GAD-7 of 8 or more).',
  },
  promsRecovered: {
    id: 'proms_recovered',
    label: 'Recovered',
    measure: 'proms_recovered',
    unit: 'people',
    definition: 'People at caseness at the start who were below caseness on both measures at the end.',
  },
  promsReliablyImproved: {
    id: 'proms_reliably_improved',
    label: 'Reliably improved',
    measure: 'proms_reliably_improved',
    unit: 'people',
    definition: 'People whose PHQ-9 fell by 6 or more, or whose GAD-7 fell by 4 or more.',
  },
  videoSessions: {
    id: 'video_sessions',
    label: 'Video 1:1 sessions',
    measure: 'sessions',
    family: 'video',
    unit: 'sessions',
    definition: 'One-to-one therapy sessions by video call (the sessions of the video services).',
  },
  groupSessions: {
    id: 'group_sessions',
    label: 'Group sessions',
    measure: 'group_sessions',
    unit: 'sessions',
    definition:
      'Video group therapy sessions, including cross-region groups, which are counted at the board that hosts them.',
  },
  groupAttendances: {
    id: 'group_attendances',
    label: 'Group attendances',
    measure: 'group_attendances',
    unit: 'attendances',
    definition: 'Attendances at video group sessions: one person at one session is one attendance.',
  },
  selfHelpVisits: {
    id: 'self_help_visits',
    label: 'Self-help visits',
    measure: 'visits',
    unit: 'visits',
    definition: 'Visits to the national online self-help guides and the lived-experience-led wellbeing resource.',
  },
} as const satisfies Record<string, CountSeries>

export type CountSeriesKey = keyof typeof COUNT_SERIES

/** Indicators that are not a ratio of two measures. */
export const OTHER_INDICATORS = {
  referralsPer100k: {
    id: 'referrals_per_100k',
    label: 'Referrals per 100,000 people',
    unit: 'referrals per 100,000 people a year',
    definition:
      'Referrals to cCBT and ieCBT services divided by the population, times 100,000. Periods other than 12 months are scaled to a year: times 12, divided by the months in the period (months with no return still count, so a missing return lowers the rate). Population: the latest mid-year estimate loaded for the year nearest the middle of the period.',
  },
  populationCoverage: {
    id: 'population_coverage',
    label: 'Population coverage',
    unit: '% of the national population',
    definition:
      'The population of the boards where the service is live, divided by the population of all boards. A nationally delivered service that is live covers everyone. Pilots and planned services do not count.',
  },
  completeness: {
    id: 'completeness',
    label: 'Completeness',
    unit: '% of expected returns',
    definition:
      'Service returns submitted divided by service returns expected. Each month, a board is expected to return figures for every service live there, so expected = live services x boards x months. A return counts once it has been submitted, however late.',
  },
  timeliness: {
    id: 'timeliness',
    label: 'Timeliness',
    unit: '% of expected returns',
    definition:
      'Service returns submitted by the deadline (the end of the 15th of the following month, Scottish time, unless configured otherwise) divided by service returns expected.',
  },
} as const

/** Every indicator the tile map can show, with its definition and how to read its value. */
export const MAP_INDICATOR_DEFINITIONS = {
  referrals_per_100k: { ...OTHER_INDICATORS.referralsPer100k, unit: 'a year', kind: 'rate' },
  self_referral_share: { ...RATE_INDICATORS.selfReferralShare, unit: '% of referrals', kind: 'percent' },
  eighteen_weeks: { ...RATE_INDICATORS.eighteenWeeks, unit: '% of people who started', kind: 'percent' },
  completion_rate: { ...RATE_INDICATORS.completionRate, unit: '% of people who started', kind: 'percent' },
  recovery_rate: { ...RATE_INDICATORS.recoveryRate, unit: '% of people at caseness', kind: 'percent' },
  reliable_improvement_rate: {
    ...RATE_INDICATORS.reliableImprovementRate,
    unit: '% of people with paired scores',
    kind: 'percent',
  },
  completeness: { ...OTHER_INDICATORS.completeness, kind: 'percent' },
  timeliness: { ...OTHER_INDICATORS.timeliness, kind: 'percent' },
} as const satisfies Record<
  string,
  { id: string; label: string; unit: string; definition: string; kind: 'rate' | 'percent' }
>

/**
 * The year whose mid-year population estimate a period's rates divide by: the year whose 30 June
 * is nearest the middle of the period (for April 2025 to March 2026, 2025; for November 2025 to
 * October 2026, 2026).
 */
export function populationYear(from: string, to: string) {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1
  // Time in months since January of year 0: the period runs from the start of `from` to the end
  // of `to`, and the end of June of year Y is at Y * 12 + 6.
  const middle = (index(from) + index(to) + 1) / 2
  return Math.round((middle - 6) / 12)
}

/** An indicator as the API describes it: its name, what it divides, its standard and definition. */
export interface IndicatorDescription {
  name: string
  label: string
  numerator: string
  denominator: string
  standard: number | null
  definition: string
}

export function describeIndicator(indicator: RateIndicator): IndicatorDescription {
  const { id, label, numerator, denominator, standard, definition } = indicator
  return { name: id, label, numerator, denominator, standard: standard ?? null, definition }
}
