// @vitest-environment jsdom
import { Form, useActionData } from '@remix-run/react'
import { createRemixStub } from '@remix-run/testing'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { FigureGrid, type GridCell, type GridGroup } from '#app/components/returns/figure-grid.tsx'
import { parseReturnForm } from '#app/returns/form.ts'

const PAGE = '/returns/S08000024/2026-09'

const cell = (measure: string, values: Partial<GridCell> = {}): GridCell => ({
  measure,
  applies: true,
  value: null,
  comment: null,
  lastMonth: null,
  lastYear: null,
  warning: null,
  ...values,
})

const GROUPS: GridGroup[] = [
  {
    family: 'ccbt',
    measures: [
      { name: 'referrals', label: 'Referrals', unit: 'people' },
      { name: 'started', label: 'Started treatment', unit: 'people' },
    ],
    services: [
      {
        slug: 'ccbt-adults',
        name: 'cCBT Adults',
        cells: [
          cell('referrals', { value: 1250, lastMonth: 1234, lastYear: null }),
          cell('started', {
            value: 410,
            lastMonth: 98,
            lastYear: 87,
            warning: 'More than three times last month’s figure: add a comment.',
          }),
        ],
      },
      {
        slug: 'ccbt-perinatal',
        name: 'cCBT Perinatal',
        cells: [
          cell('referrals', { value: 0, comment: 'Service paused for the month.' }),
          cell('started', { applies: false }),
        ],
      },
    ],
  },
  {
    family: 'video',
    measures: [{ name: 'sessions', label: 'Sessions', unit: 'sessions' }],
    services: [{ slug: 'video-1to1', name: 'Video 1:1', cells: [cell('sessions')] }],
  },
]

/** The return page around the grid: a form that posts back, with the server's form parsing. */
function renderReturn({ editable }: { editable: boolean }) {
  const Stub = createRemixStub([
    {
      path: PAGE,
      action: async ({ request }) => {
        const parsed = parseReturnForm(await request.formData())
        return { typed: parsed.typed, errors: parsed.errors }
      },
      Component() {
        const result = useActionData() as ReturnType<typeof parseReturnForm> | undefined
        const errors = new Map((result?.errors ?? []).map((e) => [`${e.service}|${e.measure}`, e.message]))
        return (
          <Form method="post">
            <FigureGrid
              groups={GROUPS}
              editable={editable}
              typed={result?.typed ?? null}
              errors={errors}
              historyHref={`${PAGE}/history`}
            />
            <button type="submit">Save as draft</button>
          </Form>
        )
      },
    },
    { path: `${PAGE}/history`, Component: () => <h1>History of the return</h1> },
  ])
  return render(<Stub initialEntries={[PAGE]} />)
}

describe('the return grid', () => {
  test('one table per kind of service, one row per service, one column per measure', () => {
    renderReturn({ editable: true })
    const ccbt = screen.getByRole('table', {
      name: 'Computerised CBT and ieCBT: one row for each service, one column for each measure',
    })
    expect(
      within(ccbt)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Service', 'Referralspeople', 'Started treatmentpeople'])
    expect(screen.getByRole('heading', { level: 2, name: 'Video therapy' })).toBeVisible()
  })

  test('each figure is a labelled box holding the current figure, described by last month and last year', () => {
    renderReturn({ editable: true })
    const referrals = screen.getByRole('textbox', { name: 'cCBT Adults: Referrals (people)' })
    expect(referrals).toHaveValue('1250')
    // 1234 with a thousands separator; no figure a year ago reads "none".
    expect(referrals).toHaveAccessibleDescription('Last month 1,234, last year none')
    // Not reported is an empty box, which is different from 0.
    expect(screen.getByRole('textbox', { name: 'Video 1:1: Sessions (sessions)' })).toHaveValue('')
    expect(screen.getByRole('textbox', { name: 'cCBT Perinatal: Referrals (people)' })).toHaveValue('0')
  })

  test('a measure that does not apply to a service has no box and says so', () => {
    renderReturn({ editable: true })
    expect(screen.queryByRole('textbox', { name: 'cCBT Perinatal: Started treatment (people)' })).toBeNull()
    const perinatal = screen.getByRole('rowheader', { name: /cCBT Perinatal/ }).closest('tr')!
    expect(within(perinatal).getByText('Not applicable')).toBeInTheDocument()
  })

  // jsdom's accessible names drop the space before a visually hidden part ("Comment on …"),
  // which browsers keep: hence \s* in those names.
  test('a figure to check says why, and offers a comment box for it', () => {
    renderReturn({ editable: true })
    const started = screen.getByRole('textbox', { name: 'cCBT Adults: Started treatment (people)' })
    expect(started).toHaveAccessibleDescription(
      'Last month 98, last year 87 Check: More than three times last month’s figure: add a comment.',
    )
    expect(screen.getByRole('textbox', { name: /^Comment\s*on cCBT Adults: Started treatment$/ })).toHaveValue('')
    // A figure with a comment already shows it in its box; others have none.
    expect(screen.getByRole('textbox', { name: /^Comment\s*on cCBT Perinatal: Referrals$/ })).toHaveValue(
      'Service paused for the month.',
    )
    expect(screen.queryByRole('textbox', { name: /Comment\s*on Video 1:1: Sessions/ })).toBeNull()
  })

  test('what was typed comes back with the problem beside the figure, and the figure is marked invalid', async () => {
    const user = userEvent.setup()
    renderReturn({ editable: true })
    const sessions = screen.getByRole('textbox', { name: 'Video 1:1: Sessions (sessions)' })
    await user.type(sessions, '12a')
    const referrals = screen.getByRole('textbox', { name: 'cCBT Adults: Referrals (people)' })
    await user.clear(referrals)
    await user.type(referrals, '1,300')
    await user.click(screen.getByRole('button', { name: 'Save as draft' }))

    const message = '“12a” is not a number: enter a whole number, like 120, or leave it empty if not reported'
    const again = await screen.findByRole('textbox', { name: 'Video 1:1: Sessions (sessions)' })
    await screen.findByText(message)
    expect(again).toBeInvalid()
    expect(again).toHaveValue('12a')
    expect(again).toHaveAccessibleDescription(`${message} Last month none, last year none`)
    // The good figure keeps what was typed, and is not marked.
    const referralsAgain = screen.getByRole('textbox', { name: 'cCBT Adults: Referrals (people)' })
    expect(referralsAgain).toHaveValue('1,300')
    expect(referralsAgain).toBeValid()
  })

  test('read only, figures are formatted and a missing one says “Not reported”', () => {
    renderReturn({ editable: false })
    expect(screen.queryAllByRole('textbox')).toEqual([])
    const adults = screen.getByRole('rowheader', { name: /cCBT Adults/ }).closest('tr')!
    expect(within(adults).getByText('1,250')).toBeVisible()
    const video = screen.getByRole('rowheader', { name: /Video 1:1/ }).closest('tr')!
    expect(within(video).getByText('Not reported')).toBeVisible()
    expect(screen.getByText('Comment: Service paused for the month.')).toBeVisible()
  })

  test('each service links to the history of its figures', async () => {
    const user = userEvent.setup()
    renderReturn({ editable: false })
    const link = screen.getByRole('link', { name: /^History\s*of cCBT Perinatal figures$/ })
    expect(link).toHaveAttribute('href', `${PAGE}/history#service-ccbt-perinatal`)
    await user.click(link)
    expect(await screen.findByRole('heading', { name: 'History of the return' })).toBeVisible()
  })
})
