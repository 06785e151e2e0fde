// @vitest-environment jsdom
import { useLocation } from '@remix-run/react'
import { createRemixStub } from '@remix-run/testing'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { parseFilters, resolvePeriod } from '#app/dashboards/filters.ts'

// Returns for September 2026 have fallen due; October 2026 has ended; figures start April 2025.
const BOUNDS = { latestDue: '2026-09', latestAllowed: '2026-10', earliest: '2025-04' }
// April 2025 to October 2026, oldest first, as the page passes them.
const MONTHS = [
  ...['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2025-${m}`),
  ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((m) => `2026-${m}`),
]
const BOARDS = [
  { code: 'S08000024', name: 'Lothian' },
  { code: 'S08000025', name: 'Orkney' },
]
const SERVICES = [{ slug: 'ccbt-adults', name: 'cCBT Adults' }]

/** A dashboard page as the routes make it: the URL is parsed into filters and a period. */
function DashboardPage() {
  const location = useLocation()
  const filters = parseFilters(location.search)
  const period = resolvePeriod(filters, BOUNDS)
  return (
    <main>
      <p>Address: {`${location.pathname}${location.search}`}</p>
      <FilterForm
        action="/"
        state={{
          filters,
          period,
          monthOptions: MONTHS,
          boards: BOARDS,
          services: SERVICES,
          notices: [],
          sdcThreshold: filters.sdc === 'on' ? 4 : null,
        }}
      />
    </main>
  )
}

function renderPage(url = '/') {
  const Stub = createRemixStub([{ path: '/', Component: DashboardPage }])
  render(<Stub initialEntries={[url]} />)
  return userEvent.setup()
}

const showing = () => screen.getByText(/^Showing/).textContent
const address = () => screen.getByText(/^Address:/).textContent

describe('the filter form', () => {
  test('says what it shows: by default the 12 months to the latest month due, by month', () => {
    renderPage()
    // September 2026 and the 11 months before it.
    expect(showing()).toBe('Showing October 2025 to September 2026 (last 12 months), by month.')
    expect(screen.getByRole('link', { name: 'Last 12 months' })).toHaveAttribute('aria-current', 'true')
    expect(screen.getByRole('combobox', { name: 'From' })).toHaveDisplayValue('Oct 2025')
    expect(screen.getByRole('combobox', { name: 'To' })).toHaveDisplayValue('Sep 2026')
  })

  test('offers the months newest first', () => {
    renderPage()
    const options = screen.getByRole('combobox', { name: 'From' }).querySelectorAll('option')
    expect(options).toHaveLength(19)
    expect(options[0]).toHaveTextContent('Oct 2026')
    expect(options[18]).toHaveTextContent('Apr 2025')
  })

  test('a quick link changes the period, and the fields follow', async () => {
    const user = renderPage()
    await user.click(screen.getByRole('link', { name: 'This financial year so far' }))
    // The financial year starts in April: April to September 2026.
    await waitFor(() =>
      expect(showing()).toBe('Showing April 2026 to September 2026 (this financial year so far), by month.'),
    )
    expect(address()).toBe('Address: /?preset=this-financial-year')
    expect(screen.getByRole('link', { name: 'This financial year so far' })).toHaveAttribute('aria-current', 'true')
    expect(screen.getByRole('link', { name: 'Last 12 months' })).not.toHaveAttribute('aria-current')
    expect(screen.getByRole('combobox', { name: 'From' })).toHaveDisplayValue('Apr 2026')
  })

  test('chosen months, grain and board apply together, and stay chosen', async () => {
    const user = renderPage()
    await user.selectOptions(screen.getByRole('combobox', { name: 'From' }), 'Jan 2026')
    await user.selectOptions(screen.getByRole('combobox', { name: 'To' }), 'Mar 2026')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Show by' }), 'Financial quarter')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Board' }), 'Lothian')
    await user.click(screen.getByRole('button', { name: 'Apply filters' }))

    // Months that are not a preset's are "chosen months": no preset named after them.
    await waitFor(() => expect(showing()).toBe('Showing January 2026 to March 2026, by financial quarter.'))
    const query = new URLSearchParams(address()!.replace('Address: /?', ''))
    expect(query.get('from')).toBe('2026-01')
    expect(query.get('to')).toBe('2026-03')
    expect(query.get('grain')).toBe('fq')
    expect(query.get('board')).toBe('S08000024')
    expect(screen.getByRole('combobox', { name: 'Board' })).toHaveDisplayValue('Lothian')
    expect(screen.getByRole('combobox', { name: 'Show by' })).toHaveDisplayValue('Financial quarter')
    // No quick link is the current one.
    expect(screen.getByRole('link', { name: 'Last 12 months' })).not.toHaveAttribute('aria-current')
  })

  test('months chosen backwards are turned round', async () => {
    const user = renderPage()
    await user.selectOptions(screen.getByRole('combobox', { name: 'From' }), 'Jun 2026')
    await user.selectOptions(screen.getByRole('combobox', { name: 'To' }), 'Feb 2026')
    await user.click(screen.getByRole('button', { name: 'Apply filters' }))
    await waitFor(() => expect(showing()).toBe('Showing February 2026 to June 2026, by month.'))
  })

  test('hiding small numbers says so, and one link shows every figure again', async () => {
    const user = renderPage()
    expect(screen.queryByRole('status')).toBeNull()
    await user.click(screen.getByRole('checkbox', { name: 'Hide small numbers' }))
    await user.click(screen.getByRole('button', { name: 'Apply filters' }))
    const status = await screen.findByRole('status')
    expect(status).toHaveTextContent(
      'Small numbers are hidden. Counts from 1 to 4, and figures from which one could be worked out, show as c.',
    )
    expect(screen.getByRole('checkbox', { name: 'Hide small numbers' })).toBeChecked()
    await user.click(screen.getByRole('link', { name: 'Show every figure' }))
    await screen.findByText('Address: /')
    expect(screen.queryByRole('status')).toBeNull()
    expect(screen.getByRole('checkbox', { name: 'Hide small numbers' })).not.toBeChecked()
  })

  test('resetting goes back to the default view', async () => {
    const user = renderPage('/?preset=since-start&grain=fy&board=S08000025')
    expect(showing()).toBe('Showing April 2025 to September 2026 (since the programme started), by financial year.')
    await user.click(screen.getByRole('link', { name: /^Reset to the last 12 months/ }))
    await screen.findByText('Address: /')
    expect(showing()).toBe('Showing October 2025 to September 2026 (last 12 months), by month.')
    expect(screen.getByRole('combobox', { name: 'Board' })).toHaveDisplayValue('All boards')
  })
})
