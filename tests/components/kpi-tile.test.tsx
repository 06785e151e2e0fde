// @vitest-environment jsdom
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { KpiTile } from '#app/components/ui/kpi-tile.tsx'

const DEFINITION = 'People who started treatment within 18 weeks of referral, as a share of all who started.'

function renderTile(props: Partial<Parameters<typeof KpiTile>[0]> = {}) {
  return render(
    <KpiTile
      label="Started within 18 weeks"
      value="91.2%"
      description="Of 4,210 people who started treatment, October 2025 to September 2026."
      definition={DEFINITION}
      {...props}
    />,
  )
}

describe('a headline figure', () => {
  test('shows its name as a heading, its value and what it counts', () => {
    renderTile()
    expect(screen.getByRole('heading', { level: 2, name: 'Started within 18 weeks' })).toBeVisible()
    expect(screen.getByText('91.2%')).toBeVisible()
    expect(screen.getByText(/Of 4,210 people who started treatment/)).toBeVisible()
  })

  test('says in words whether the standard is met, never by colour alone', () => {
    const { rerender } = renderTile({ standard: { met: true, text: 'Standard: 90% within 18 weeks.' } })
    expect(screen.getByText('Meets standard')).toBeVisible()
    expect(screen.getByText(/Standard: 90% within 18 weeks\./)).toBeVisible()

    rerender(
      <KpiTile
        label="Started within 18 weeks"
        value="84.0%"
        description="Of 4,210 people who started treatment."
        definition={DEFINITION}
        standard={{ met: false, text: 'Standard: 90% within 18 weeks.' }}
      />,
    )
    expect(screen.getByText('Below standard')).toBeVisible()
    expect(screen.queryByText('Meets standard')).toBeNull()
  })

  test('with no figure to judge, names the standard without a verdict', () => {
    renderTile({ value: '–', standard: { met: null, text: 'Standard: 90% within 18 weeks.' } })
    expect(screen.getByText('Standard: 90% within 18 weeks.')).toBeVisible()
    expect(screen.queryByText('Meets standard')).toBeNull()
    expect(screen.queryByText('Below standard')).toBeNull()
  })

  test('gives the change on a year earlier in words; the arrow is decoration', () => {
    renderTile({ change: { direction: 'up', text: 'Up 5.2% on October 2024 to September 2025.' } })
    const change = screen.getByText(/Up 5\.2% on October 2024 to September 2025\./)
    expect(change).toBeVisible()
    // Screen readers hear the words only: the ▲ is hidden from them.
    expect(screen.getByText('▲', { exact: false })).toHaveAttribute('aria-hidden', 'true')
  })

  test('shows the figure to read it against, when there is one', () => {
    renderTile({ reference: 'Scotland: 92.5%' })
    expect(screen.getByText('Scotland: 92.5%')).toBeVisible()
  })

  test('keeps its definition folded away until asked for', async () => {
    const user = userEvent.setup()
    renderTile()
    expect(screen.getByText(DEFINITION)).not.toBeVisible()
    // The summary names the figure, so a list of "Definition" links can be told apart.
    await user.click(screen.getByText('Definition'))
    expect(screen.getByText(DEFINITION)).toBeVisible()
    expect(screen.getByText('Definition').closest('summary')).toHaveTextContent('Definition: Started within 18 weeks')
  })
})
