// The report's sentences from hand-made figures: each rule of REPORT_RULES, with the words it
// must give.
import { describe, expect, test } from 'vitest'
import {
  completenessSentence,
  funnelSentences,
  type Headline,
  headlineSentences,
} from '#app/dashboards/report/sentences.ts'

const referrals: Headline = {
  name: 'referrals',
  label: 'Referrals',
  unit: 'people',
  kind: 'count',
  value: 5812,
  hidden: false,
  yearEarlier: 6138,
  variation: 'common_cause',
  tooFewPoints: false,
  standard: null,
  assurance: null,
  chartPeriod: 'November 2024 to October 2026',
}

const eighteenWeeks: Headline = {
  ...referrals,
  name: 'eighteen-weeks',
  label: 'Started within 18 weeks',
  unit: '% of people who started',
  kind: 'proportion',
  value: 0.87,
  yearEarlier: null,
  variation: 'concern_low',
  standard: 0.9,
  assurance: 'consistently_fails',
}

describe('the sentences of the monthly report', () => {
  test('a count within its usual range, beside the same month a year earlier', () => {
    expect(headlineSentences(referrals, '2026-10')).toEqual([
      {
        text: 'Referrals: 5,812 people in October 2026, within the usual range (common cause variation); 6,138 in October 2025, a year earlier.',
        figure: 'Referrals, October 2026',
        comparison: 'the mean and process limits of November 2024 to October 2026; the same month a year earlier',
      },
    ])
  })

  test('a proportion below its usual range, and its process against the standard', () => {
    const [judged, standard] = headlineSentences(eighteenWeeks, '2026-10')
    expect(judged!.text).toBe(
      'Started within 18 weeks: 87.0% in October 2026, lower than usual, a concern (special cause variation).',
    )
    expect(standard!.text).toBe('Against the standard of 90.0%, the process consistently fails it.')
    expect(standard!.comparison).toBe('the standard (90.0%) and the process limits of November 2024 to October 2026')
  })

  test('too few months, nothing reported, or hidden: said so, never a number', () => {
    expect(headlineSentences({ ...referrals, tooFewPoints: true, variation: null }, '2026-10')[0]!.text).toBe(
      'Referrals: 5,812 people in October 2026, too few months are reported to judge it against a usual range; 6,138 in October 2025, a year earlier.',
    )
    expect(headlineSentences({ ...referrals, value: null }, '2026-10')[0]!.text).toBe(
      'Referrals: nothing was reported for October 2026.',
    )
    const hidden = headlineSentences({ ...referrals, value: null, hidden: true }, '2026-10')
    expect(hidden).toHaveLength(1)
    expect(hidden[0]!.text).not.toMatch(/\d,\d/)
  })

  test('boards outside the 99.8% limits are named, those outside 95% only counted', () => {
    const funnel = {
      indicator: 'recovery_rate',
      label: 'Recovery rate',
      period: 'November 2025 to October 2026',
      judged: 14,
      outside: [
        { code: 'S08000031', name: 'Greater Glasgow and Clyde', flag: 'below_998' as const },
        { code: 'S08000024', name: 'Lothian', flag: 'above_998' as const },
        { code: 'S08000030', name: 'Tayside', flag: 'above_95' as const },
      ],
    }
    expect(funnelSentences([funnel], null)[0]!.text).toBe(
      "Recovery rate, November 2025 to October 2026: Lothian above Scotland's, and Greater Glasgow and Clyde below Scotland's, outside the 99.8% limits.",
    )
    expect(funnelSentences([{ ...funnel, outside: funnel.outside.slice(2) }], null)[0]!.text).toBe(
      'Recovery rate, November 2025 to October 2026: no board is outside the 99.8% limits; 1 is outside the 95% limits only.',
    )
    // A board's own report says where that board is.
    expect(funnelSentences([funnel], 'S08000030')[0]!.text).toBe(
      "Recovery rate, November 2025 to October 2026: above Scotland's, outside the 95% limits.",
    )
    expect(funnelSentences([funnel], 'S08000015')[0]!.text).toMatch(/within the limits around Scotland's/)
  })

  test('returns in and on time, with the boards not yet in', () => {
    const c = {
      unitsExpected: 14,
      unitsReported: 12,
      expected: 158,
      submitted: 140,
      onTime: 131,
      missing: ['Orkney', 'Shetland'],
    }
    expect(completenessSentence(c, '2026-10', null).text).toBe(
      '12 of 14 boards had submitted their return for October 2026; 131 of 158 service returns came by the deadline. Not yet in: Orkney and Shetland.',
    )
    expect(completenessSentence({ ...c, submitted: 0, onTime: 0 }, '2026-10', 'Orkney').text).toBe(
      'Orkney had not submitted its return for October 2026 when these figures were taken.',
    )
    expect(completenessSentence({ ...c, submitted: 11, onTime: 11 }, '2026-10', 'Lothian').text).toBe(
      'Lothian submitted its return for October 2026 by the deadline.',
    )
  })
})
