// @vitest-environment jsdom
import { useLocation } from '@remix-run/react'
import { createRemixStub } from '@remix-run/testing'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { Choice, FormButtons, InputField, RowActionButton, SelectInput } from '#app/components/ui/form.tsx'
import { Pagination } from '#app/components/ui/pagination.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'

function renderAt(Component: () => JSX.Element, url = '/') {
  const Stub = createRemixStub([
    { path: '/', Component },
    { path: '/back', Component: () => <p>Back page</p> },
  ])
  render(<Stub initialEntries={[url]} />)
  return userEvent.setup()
}

describe('the plain form fields', () => {
  test('a field is named by its label and described by its hint, and keeps the value from the address', async () => {
    function Page() {
      const location = useLocation()
      return (
        <form method="get" action="/">
          <p>Address: {location.search}</p>
          <InputField id="from" label="From" hint="Like 2026-11-01" width="fixed-10" defaultValue="2026-01-05" />
          <SelectInput
            id="board"
            label="Board"
            placeholder="All boards"
            options={[
              { value: '1', label: 'Lothian' },
              { value: '2', label: 'Orkney' },
            ]}
            defaultValue="2"
          />
          <Choice
            id="sdc"
            name="sdc"
            value="on"
            label="Hide small numbers"
            hint="For a view that may be published"
            hintId="sdc-hint"
            aria-describedby="sdc-hint"
          />
        </form>
      )
    }
    const user = renderAt(Page)
    const from = screen.getByRole('textbox', { name: 'From' })
    expect(from).toHaveAccessibleDescription('Like 2026-11-01')
    expect(from).toHaveValue('2026-01-05')
    const board = screen.getByRole('combobox', { name: 'Board' })
    expect(board).toHaveValue('2')
    // The placeholder comes first and means "all".
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['All boards', 'Lothian', 'Orkney'])
    const sdc = screen.getByRole('checkbox', { name: 'Hide small numbers' })
    expect(sdc).toHaveAccessibleDescription('For a view that may be published')
    await user.click(sdc)
    expect(sdc).toBeChecked()
    await user.selectOptions(board, 'All boards')
    expect(board).toHaveValue('')
  })

  test('a field without a hint is described by nothing', () => {
    renderAt(() => <InputField id="who" label="Who (email contains)" type="search" />)
    const who = screen.getByRole('searchbox', { name: 'Who (email contains)' })
    expect(who).not.toHaveAttribute('aria-describedby')
  })
})

describe('the buttons of a form', () => {
  test('submit and cancel: cancel leaves the form for the page it names', async () => {
    const user = renderAt(() => (
      <form>
        <FormButtons submit="Save changes" cancel={{ to: '/back' }} />
      </form>
    ))
    expect(screen.getByRole('button', { name: 'Save changes' })).toHaveAttribute('type', 'submit')
    await user.click(screen.getByRole('link', { name: 'Cancel' }))
    await waitFor(() => expect(screen.getByText('Back page')).toBeInTheDocument())
  })

  test('a row action is named by what it acts on', () => {
    renderAt(() => <RowActionButton intent="revoke" values={{ id: 7 }} label="Revoke" subject="Weekly briefing" />)
    // Sighted people read the token's name from the row; a screen reader hears it in the button
    // (jsdom joins the hidden text without its space, so the text is checked here and the
    // accessible name in the browser tests).
    const button = screen.getByRole('button')
    expect(button).toHaveTextContent('Revoke Weekly briefing')
    expect(button.querySelector('.visually-hidden')).toHaveTextContent('Weekly briefing')
    const form = button.closest('form')!
    expect(Object.fromEntries(new FormData(form))).toEqual({ intent: 'revoke', id: '7' })
  })
})

describe('navigation', () => {
  test('pagination lists only the pages there are', () => {
    renderAt(() => <Pagination label="Pages of events" next={{ to: '?page=2', label: 'Older events' }} />)
    const nav = screen.getByRole('navigation', { name: 'Pages of events' })
    expect(nav.querySelectorAll('a')).toHaveLength(1)
    expect(screen.getByRole('link', { name: 'Older events' })).toHaveAttribute('href', '/?page=2')
  })

  test('breadcrumbs link to the parents and name the current page without a link', () => {
    renderAt(() => <Breadcrumbs items={[{ to: '/back', label: 'Monthly returns' }]} current="Upload figures" />)
    const nav = screen.getByRole('navigation', { name: 'Breadcrumb' })
    expect(screen.getByRole('link', { name: 'Monthly returns' })).toHaveAttribute('href', '/back')
    expect(nav).toHaveTextContent('Monthly returnsUpload figures')
    expect(screen.queryByRole('link', { name: 'Upload figures' })).toBeNull()
  })
})
