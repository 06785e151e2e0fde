// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import type { Figure } from '#app/domain/figure.ts'

const FIGURE: Figure = {
  id: 'referrals',
  title: 'Referrals and the 18-week standard',
  description: 'People referred each month, and the share who started within 18 weeks.',
  columns: [
    { key: 'month', label: 'Month', kind: 'text' },
    { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
    { key: 'within18', label: 'Started within 18 weeks', kind: 'percent' },
    { key: 'rate', label: 'Referrals per 100,000', kind: 'rate' },
  ],
  rows: [
    { month: 'July 2026', referrals: 5823, within18: 0.9124, rate: 106.46 },
    { month: 'August 2026', referrals: null, within18: null, rate: null },
  ],
  notes: ['August 2026: 3 of 14 boards have not reported.'],
  definitions: [
    { label: 'Referrals', definition: 'People referred to the service in the month.' },
    { label: '18-week standard', definition: '90% of people start treatment within 18 weeks of referral.' },
  ],
  fileName: 'referrals',
}
const CSV = '/figures/referrals?preset=this-financial-year'

describe('a figure block', () => {
  test('names the figure and says what it shows', () => {
    render(<FigureBlock figure={FIGURE} csvHref={CSV} />)
    const section = screen.getByRole('region', { name: 'Referrals and the 18-week standard' })
    expect(within(section).getByRole('heading', { level: 2 })).toHaveTextContent('Referrals and the 18-week standard')
    expect(within(section).getByText(/share who started within 18 weeks/)).toBeVisible()
    expect(within(section).getByText('August 2026: 3 of 14 boards have not reported.')).toBeVisible()
  })

  test('folds its table away, and shows the figures formatted for reading when asked', async () => {
    const user = userEvent.setup()
    render(<FigureBlock figure={FIGURE} csvHref={CSV} />)
    const table = screen.getByRole('table', { name: 'Referrals and the 18-week standard' })
    expect(table).not.toBeVisible()
    await user.click(screen.getByText('Show the figures in a table'))
    expect(table).toBeVisible()

    // Column headers carry their units; each row is named by its month.
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Month', 'Referrals (people)', 'Started within 18 weeks', 'Referrals per 100,000'])
    const [, july, august] = within(table).getAllByRole('row')
    expect(within(july!).getByRole('rowheader')).toHaveTextContent('July 2026')
    // 5823 with a thousands separator; 0.9124 as a percentage to one place; 106.46 to one place.
    expect(
      within(july!)
        .getAllByRole('cell')
        .map((td) => td.textContent),
    ).toEqual(['5,823', '91.2%', '106.5'])
    // Not reported is a dash, not a zero.
    expect(
      within(august!)
        .getAllByRole('cell')
        .map((td) => td.textContent),
    ).toEqual(['–', '–', '–'])
  })

  test('a table that is the figure itself is open from the start, and its scrolling box is reachable by keyboard', async () => {
    const user = userEvent.setup()
    render(<FigureBlock figure={FIGURE} csvHref={CSV} tableOpen />)
    expect(screen.getByRole('table')).toBeVisible()
    expect(screen.queryByText('Show the figures in a table')).toBeNull()
    const box = screen.getByRole('region', { name: 'Referrals and the 18-week standard: table' })
    await user.tab()
    expect(box).toHaveFocus()
  })

  test('offers its figures as CSV through a plain link that names the figure', () => {
    render(<FigureBlock figure={FIGURE} csvHref={CSV} />)
    const link = screen.getByRole('link', {
      name: 'Download these figures (CSV): Referrals and the 18-week standard',
    })
    expect(link).toHaveAttribute('href', CSV)
    expect(link).toHaveAttribute('download')
  })

  test('keeps the definitions folded away until asked for', async () => {
    const user = userEvent.setup()
    render(<FigureBlock figure={FIGURE} csvHref={CSV} />)
    const definition = screen.getByText('90% of people start treatment within 18 weeks of referral.')
    expect(definition).not.toBeVisible()
    await user.click(screen.getByText('Definitions'))
    expect(definition).toBeVisible()
    expect(screen.getAllByRole('term').map((dt) => dt.textContent)).toEqual(['Referrals', '18-week standard'])
  })

  test('offers the chart as PNG and SVG only once a chart has been drawn', async () => {
    const { rerender } = render(<FigureBlock figure={FIGURE} csvHref={CSV} />)
    expect(screen.queryByRole('button', { name: /Download the chart/ })).toBeNull()
    rerender(
      <FigureBlock
        figure={FIGURE}
        csvHref={CSV}
        chartHeight={300}
        chart={() => (
          <svg className="recharts-surface" role="img" aria-label="Referrals by month">
            <rect width={10} height={10} />
          </svg>
        )}
      />,
    )
    expect(screen.getByRole('img', { name: 'Referrals by month' })).toBeInTheDocument()
    // The footer notices the drawn chart (it watches the figure), so the buttons come a moment later.
    expect(
      await screen.findByRole('button', { name: 'Download the chart (PNG): Referrals and the 18-week standard' }),
    ).toBeVisible()
    expect(
      screen.getByRole('button', { name: 'Download the chart (SVG): Referrals and the 18-week standard' }),
    ).toBeVisible()
  })
})
