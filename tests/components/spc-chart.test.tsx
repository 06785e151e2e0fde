// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, test } from 'vitest'
import { SpcChart } from '#app/components/charts/spc-chart.tsx'
import { computeProportionSpc, computeSpc, type SpcInputPoint } from '#app/statistics/spc.ts'

afterEach(cleanup)

function monthly(values: Array<number | null>): SpcInputPoint[] {
  return values.map((value, i) => {
    const index = 2021 * 12 + 3 + i
    return { period: `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`, value }
  })
}

// 10, 14 six times, then 30: mean 174 / 13 = 13.4, limits 0.08 and 26.7 (worked in
// tests/statistics/spc.test.ts); the last month (April 2022) is outside, the rest common cause.
const outside = computeSpc(monthly([10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 30]), {
  kind: 'count',
  direction: 'up',
})

const events = [
  { period: '2021-10', dateLabel: '4 October 2021', text: 'Platform changed', scope: 'Lothian', rebase: true },
  { period: '2022-02', dateLabel: '1 February 2022', text: 'cCBT Perinatal went live', scope: 'National' },
]

describe('the control chart', () => {
  test('marks each point by its type with shape and colour, and says what it shows in words', () => {
    const { container } = render(<SpcChart id="referrals-spc" title="Referrals" kind="count" points={outside.points} />)
    const chart = screen.getByRole('group', { name: 'Control chart: Referrals' })
    // Counts read as whole numbers: mean 13.38 -> 13, limits 0.08 -> 0 and 26.68 -> 27.
    expect(chart).toHaveAccessibleDescription(
      'Control chart of referrals, 13 months. Mean 13, process limits 0 to 27. Special cause variation in 1 month: Apr 2022 (improvement).',
    )
    const marks = [...container.querySelectorAll('[data-point-type]')]
    expect(marks.map((m) => m.getAttribute('data-point-type'))).toEqual([
      ...Array(12).fill('common_cause'),
      'special_cause_improvement',
    ])
    // The special cause is a larger diamond in a different colour from the common cause circles.
    expect(marks[12]!.getAttribute('fill')).not.toBe(marks[0]!.getAttribute('fill'))
    expect(marks[12]!.getAttribute('d')).not.toMatch(/a/)
    expect(container.querySelectorAll('[data-line="mean"]')).toHaveLength(1)
    expect(container.querySelectorAll('[data-line="upper-limit"]')).toHaveLength(1)
    const key = screen.getByRole('list', { name: 'Key' })
    expect(
      within(key)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Special cause: improvement', 'Common cause', 'Mean', 'Process limits'])
  })

  test('event markers are links a keyboard reaches, each leading to its words under the chart', async () => {
    const user = userEvent.setup()
    render(<SpcChart id="referrals-spc" title="Referrals" kind="count" points={outside.points} annotations={events} />)
    await user.tab()
    const first = screen.getByRole('link', { name: 'Event 1, 4 October 2021: Platform changed' })
    expect(first).toHaveFocus()
    expect(first).toHaveAttribute('href', '#referrals-spc-events-1')
    await user.tab()
    expect(screen.getByRole('link', { name: 'Event 2, 1 February 2022: cCBT Perinatal went live' })).toHaveFocus()
    const list = screen.getByRole('list', { name: 'Events on this chart' })
    const items = within(list).getAllByRole('listitem')
    expect(items.map((li) => li.textContent)).toEqual([
      '4 October 2021 (Lothian): Platform changed. The limits are recalculated from the first whole month after it.',
      '1 February 2022 (National): cCBT Perinatal went live.',
    ])
    expect(items[0]).toHaveAttribute('id', 'referrals-spc-events-1')
    expect(screen.getByRole('group', { name: 'Control chart: Referrals' }).textContent).toContain('2 events are marked')
  })

  test('an event outside the months shown is listed but has no marker', () => {
    render(
      <SpcChart
        id="c"
        title="Referrals"
        kind="count"
        points={outside.points}
        annotations={[{ period: '2020-01', dateLabel: '1 January 2020', text: 'Before the start' }]}
      />,
    )
    expect(screen.queryByRole('link')).toBeNull()
    expect(screen.getByText(/Before the start/).textContent).toContain('Before the start. Outside the months shown.')
  })

  test('a rebase draws each segment’s own mean and limits, and says where', () => {
    const values = [...Array(6).fill([10, 14]).flat(), ...Array(6).fill([30, 34]).flat()] as number[]
    const rebased = computeSpc(monthly(values), { kind: 'count', direction: 'up', rebaseAt: ['2022-04'] })
    const { container } = render(<SpcChart id="r" title="Referrals" kind="count" points={rebased.points} />)
    expect(container.querySelectorAll('[data-line="mean"]')).toHaveLength(2)
    expect(container.querySelectorAll('[data-line="lower-limit"]')).toHaveLength(2)
    expect(screen.getByText('Rebased')).toBeInTheDocument()
    // Means 12 and 32, limits 1.36 to 22.64 and 21.36 to 42.64 (worked in the statistics tests).
    expect(screen.getByRole('group').textContent).toContain(
      'Mean from Apr 2021 to Mar 2022 12, process limits 1 to 23.',
    )
    expect(screen.getByRole('group').textContent).toContain(
      'Mean from Apr 2022 to Mar 2023 32, process limits 21 to 43.',
    )
  })

  test('a month hidden by disclosure control shows c, and the chart says so', () => {
    const series = monthly([10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 30]).map((p, i) =>
      i === 5 ? { ...p, hidden: true } : p,
    )
    const result = computeSpc(series, { kind: 'count', direction: 'up' })
    const { container } = render(<SpcChart id="h" title="Referrals" kind="count" points={result.points} />)
    expect(container.querySelectorAll('[data-point-type]')).toHaveLength(12)
    expect(screen.getByRole('group').textContent).toContain(
      '1 month is hidden by disclosure control (c) and left out of the mean and limits: Sep 2021.',
    )
    expect(
      within(screen.getByRole('list', { name: 'Key' })).getByText('Hidden by disclosure control'),
    ).toBeInTheDocument()
  })

  test('fewer than 12 months: no limits drawn, and the chart says so', () => {
    const short = computeSpc(monthly([10, 14, 10, 14, 10]), { kind: 'count', direction: 'up' })
    const { container } = render(
      <SpcChart
        id="s"
        title="Referrals"
        kind="count"
        points={short.points}
        tooFewPointsText="Fewer than 12 months: no limits yet"
      />,
    )
    expect(container.querySelectorAll('[data-line="upper-limit"]')).toHaveLength(0)
    expect(screen.getByText('Fewer than 12 months: no limits yet')).toBeInTheDocument()
    expect(screen.getByRole('group').textContent).toContain('too few points for process limits')
    expect(within(screen.getByRole('list', { name: 'Key' })).queryByText('Process limits')).toBeNull()
  })

  test('percentages with the standard as a target line', () => {
    const months = monthly(Array(12).fill(0)).map((m, i) => ({
      period: m.period,
      numerator: i % 2 === 0 ? 88 : 92,
      denominator: 100,
    }))
    const spc = computeProportionSpc(months, { direction: 'up', target: 0.9 })
    const { container } = render(
      <SpcChart
        id="p"
        title="18-week performance"
        kind="proportion"
        points={spc.points}
        target={{ value: 0.9, label: 'Standard' }}
      />,
    )
    expect(container.querySelector('[data-line="target"]')?.textContent).toBe('Standard 90%')
    expect(within(screen.getByRole('list', { name: 'Key' })).getByText('Standard')).toBeInTheDocument()
    // Mean 90%, MR 4 points: limits 90% -/+ 10.64 = 79.4% and 100.6%, kept at 100%.
    expect(screen.getByRole('group').textContent).toContain('Mean 90.0%, process limits 79.4% to 100.0%.')
  })
})
