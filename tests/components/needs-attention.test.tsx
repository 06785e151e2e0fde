// @vitest-environment jsdom
import { createRemixStub } from '@remix-run/testing'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ComponentProps } from 'react'
import { describe, expect, test } from 'vitest'
import { NeedsAttention } from '#app/components/returns/needs-attention.tsx'

// October 2026's returns were due by the end of 15 November 2026 (GMT); September 2026's by the
// end of 15 October 2026 (BST, 22:59:59 UTC).
const october = { month: '2026-10', deadline: '2026-11-15T23:59:59.999Z' }
const september = { month: '2026-09', deadline: '2026-10-15T22:59:59.999Z' }
const lothian = { code: 'S08000024', name: 'Lothian' }
const fife = { code: 'S08000029', name: 'Fife' }

function show(
  props: Partial<ComponentProps<typeof NeedsAttention>> & Pick<ComponentProps<typeof NeedsAttention>, 'role'>,
) {
  const Page = () => (
    <main>
      <NeedsAttention due={[]} overdue={[]} awaitingApproval={[]} {...props} />
      <p>Page</p>
    </main>
  )
  const Stub = createRemixStub([
    { path: '/', Component: Page },
    { path: '/returns/:code/:month', Component: () => <h1>The return</h1> },
    { path: '/queries', Component: () => <h1>Queries</h1> },
  ])
  render(<Stub initialEntries={['/']} />)
  return userEvent.setup()
}

const section = () => screen.getByRole('region', { name: 'Needs your attention' })

describe('needs your attention', () => {
  test('a board lead sees the returns due and overdue, with their deadlines, and opens one', async () => {
    const user = show({
      role: 'board_lead',
      due: [{ ...lothian, ...october }],
      overdue: [{ ...lothian, ...september }],
      queriesAwaiting: 2,
    })
    const overdue = within(section()).getByRole('list', { name: 'Overdue (1)' })
    expect(overdue).toHaveTextContent('September 2026: not submitted, it was due by 15 October 2026')
    const due = within(section()).getByRole('list', { name: 'Due (1)' })
    expect(due).toHaveTextContent('October 2026: due by 15 November 2026')
    expect(within(section()).getByRole('link', { name: '2 open queries to answer' })).toHaveAttribute(
      'href',
      '/queries',
    )
    await user.click(within(overdue).getByRole('link', { name: 'September 2026' }))
    expect(await screen.findByRole('heading', { name: 'The return' })).toBeVisible()
  })

  test('the national lead sees returns awaiting approval and overdue ones, by board', () => {
    show({
      role: 'national_lead',
      overdue: [{ ...fife, ...october }],
      awaitingApproval: [
        { ...lothian, ...october },
        { ...fife, ...september },
      ],
    })
    const approval = within(section()).getByRole('list', { name: 'Awaiting your approval (2)' })
    expect(
      within(approval)
        .getAllByRole('link')
        .map((a) => [a.textContent, a.getAttribute('href')]),
    ).toEqual([
      ['Lothian, October 2026', '/returns/S08000024/2026-10'],
      ['Fife, September 2026', '/returns/S08000029/2026-09'],
    ])
    expect(within(section()).getByRole('list', { name: 'Overdue returns (1)' })).toHaveTextContent(
      'Fife, October 2026: not submitted, it was due by 15 November 2026',
    )
    expect(within(section()).queryByRole('list', { name: /^Due/ })).toBeNull()
  })

  test('a long list shows its first eight and links to the rest', () => {
    const overdue = Array.from({ length: 11 }, (_, i) => ({
      ...lothian,
      month: `2025-${String(i + 1).padStart(2, '0')}`,
      deadline: '2025-12-15T23:59:59.999Z',
    }))
    show({ role: 'national_lead', overdue })
    expect(within(section()).getAllByRole('listitem')).toHaveLength(8)
    expect(within(section()).getByRole('link', { name: 'every board’s returns by month' })).toHaveAttribute(
      'href',
      '/completeness',
    )
    expect(section()).toHaveTextContent('And 3 more')
  })

  test('nothing waiting: nothing shown, or a line saying so where asked', () => {
    show({ role: 'board_lead', queriesAwaiting: 0 })
    expect(screen.queryByRole('region', { name: 'Needs your attention' })).toBeNull()
    expect(screen.getByText('Page')).toBeVisible()
  })

  test('nothing waiting, said in words', () => {
    show({ role: 'board_lead', showWhenEmpty: true })
    expect(section()).toHaveTextContent('Every return your board owes is in.')
  })
})
