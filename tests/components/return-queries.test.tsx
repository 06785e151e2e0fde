// @vitest-environment jsdom
import { Form, useActionData } from '@remix-run/react'
import { createRemixStub } from '@remix-run/testing'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, test } from 'vitest'
import { FigureGrid } from '#app/components/returns/figure-grid.tsx'
import { type QueryFormFeedback, ReturnQueries } from '#app/components/returns/return-queries.tsx'
import type { ReturnQuery } from '#app/models/queries.server.ts'

const PAGE = '/returns/S08000024/2026-09'

const message = (
  id: number,
  kind: ReturnQuery['messages'][number]['kind'],
  body: string,
  extra: Partial<ReturnQuery['messages'][number]> = {},
): ReturnQuery['messages'][number] => ({
  id,
  kind,
  body,
  author: kind === 'answer' ? 'Lothian lead' : 'National lead',
  authorRole: kind === 'answer' ? 'board_lead' : 'national_lead',
  correctionId: null,
  correctedValue: null,
  at: '2026-10-10T09:00:00.000Z',
  ...extra,
})

const query = (id: number, status: ReturnQuery['status'], messages: ReturnQuery['messages']): ReturnQuery => ({
  id,
  orgUnitId: 1,
  code: 'S08000024',
  boardName: 'Lothian',
  month: '2026-09',
  service: 'ccbt-adults',
  serviceName: 'cCBT Adults',
  measure: 'referrals',
  measureLabel: 'Referrals',
  figure: { service: 'ccbt-adults', serviceName: 'cCBT Adults', measure: 'referrals', label: 'Referrals' },
  status,
  raisedAt: '2026-10-10T09:00:00.000Z',
  raisedBy: 'National lead',
  updatedAt: '2026-10-10T09:00:00.000Z',
  closedAt: null,
  messages,
})

const OPEN = query(7, 'open', [message(1, 'question', 'Referrals halved: is a week missing?')])
const ANSWERED = query(8, 'answered', [
  message(2, 'question', 'Is this right?'),
  message(3, 'answer', 'No: corrected.', { correctionId: 99, correctedValue: 1_310 }),
])
const CLOSED = { ...query(9, 'closed', [message(4, 'question', 'Old question'), message(5, 'closing', 'Settled')]) }
const FIGURES = [
  { value: 'ccbt-adults.referrals', label: 'cCBT Adults: Referrals', current: 1_250 },
  { value: 'ccbt-adults.started', label: 'cCBT Adults: Started treatment', current: 410 },
]

type Rights = { canRaise: boolean; canAnswer: boolean; canCorrect: boolean }
const BOARD_LEAD: Rights = { canRaise: false, canAnswer: true, canCorrect: true }
const NATIONAL_LEAD: Rights = { canRaise: true, canAnswer: false, canCorrect: false }

/** The return page around the queries: each form posts back, and the stub answers with `reply`. */
function renderQueries(
  rights: Rights,
  queries: ReturnQuery[],
  reply: (form: Record<string, string>) => QueryFormFeedback | { posted: Record<string, string> },
) {
  const Stub = createRemixStub([
    {
      path: PAGE,
      action: async ({ request }) => reply(Object.fromEntries(await request.formData()) as Record<string, string>),
      Component() {
        const data = useActionData() as QueryFormFeedback | { posted: Record<string, string> } | undefined
        return (
          <>
            {data && 'posted' in data ? <output>{JSON.stringify(data.posted)}</output> : null}
            <ReturnQueries
              queries={queries}
              figures={FIGURES}
              version={4}
              feedback={data && 'problems' in data ? data : null}
              {...rights}
            />
          </>
        )
      },
    },
  ])
  return render(<Stub initialEntries={[PAGE]} />)
}

const echo = (form: Record<string, string>) => ({ posted: form })

describe('the queries about a return', () => {
  test('each query shows its figure, its status in words and its conversation, with the correction it made', () => {
    renderQueries(NATIONAL_LEAD, [OPEN, ANSWERED], echo)
    const answered = screen.getByRole('article', { name: /cCBT Adults: Referrals\s*Answered/ })
    const conversation = within(answered).getByRole('list', { name: 'Conversation about cCBT Adults: Referrals' })
    expect(
      within(conversation)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringMatching(/^Question from National lead \(National programme lead\), .*Is this right\?$/),
      expect.stringMatching(
        /^Answer from Lothian lead \(Board digital therapy lead\), .*No: corrected\.Corrected the figure to 1,310/,
      ),
    ])
    expect(screen.getByText('2 queries, 2 not yet closed.')).toBeVisible()
  })

  test('the board lead answers, and may correct the figure, whose current value the hint gives', async () => {
    const user = userEvent.setup()
    renderQueries(BOARD_LEAD, [OPEN], echo)
    expect(screen.queryByRole('button', { name: /Close query/ })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Raise query' })).toBeNull()
    const correction = screen.getByRole('textbox', { name: 'Corrected figure: cCBT Adults: Referrals (optional)' })
    expect(correction).toHaveAccessibleDescription(expect.stringMatching(/^Now 1,250\. Leave it empty to keep/))
    await user.type(screen.getByRole('textbox', { name: /^Your answer/ }), 'A week was missing')
    await user.type(correction, '1,310')
    await user.click(screen.getByRole('button', { name: /^Send answer/ }))
    expect(JSON.parse((await screen.findByRole('status')).textContent!)).toEqual({
      queryId: '7',
      version: '4',
      body: 'A week was missing',
      correction: '1,310',
      intent: 'answer-query',
    })
  })

  test('once the month is locked the board lead may still answer, but not correct', () => {
    renderQueries({ ...BOARD_LEAD, canCorrect: false }, [OPEN], echo)
    expect(screen.getByRole('textbox', { name: /^Your answer/ })).toBeVisible()
    expect(screen.queryByRole('textbox', { name: /Corrected figure/ })).toBeNull()
  })

  test('a refused answer comes back with the problem beside its field and what was typed', async () => {
    const user = userEvent.setup()
    renderQueries(BOARD_LEAD, [OPEN], (form) => ({
      intent: 'answer-query',
      queryId: 7,
      problems: [{ id: 'query-7-correction', message: '“lots” is not a number' }],
      typed: form,
    }))
    await user.type(screen.getByRole('textbox', { name: /^Your answer/ }), 'Corrected')
    await user.type(screen.getByRole('textbox', { name: /Corrected figure/ }), 'lots')
    await user.click(screen.getByRole('button', { name: /^Send answer/ }))
    const correction = await screen.findByRole('textbox', { name: /Corrected figure/ })
    await screen.findByText('“lots” is not a number')
    expect(correction).toBeInvalid()
    expect(correction).toHaveValue('lots')
    expect(screen.getByRole('textbox', { name: /^Your answer/ })).toHaveValue('Corrected')
  })

  test('the national lead closes an open query, reopens a closed one and raises a new one on a figure or the return', async () => {
    const user = userEvent.setup()
    renderQueries(NATIONAL_LEAD, [OPEN, CLOSED], echo)
    expect(screen.queryByRole('textbox', { name: /^Your answer/ })).toBeNull()
    const closed = screen.getByRole('article', { name: /Closed$/ })
    expect(within(closed).queryByRole('button', { name: /Close query/ })).toBeNull()
    // Reopening sits behind a disclosure: it is rarely needed.
    await user.click(within(closed).getByText(/Reopen this query/))
    expect(within(closed).getByRole('button', { name: /^Reopen query/ })).toBeVisible()

    const figure = screen.getByRole('combobox', { name: 'What is the query about?' })
    expect(
      within(figure)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['The whole return', 'cCBT Adults: Referrals', 'cCBT Adults: Started treatment'])
    await user.selectOptions(figure, 'cCBT Adults: Started treatment')
    await user.type(screen.getByRole('textbox', { name: 'Question' }), 'Why so many?')
    await user.click(screen.getByRole('button', { name: 'Raise query' }))
    expect(JSON.parse((await screen.findByRole('status')).textContent!)).toEqual({
      figure: 'ccbt-adults.started',
      body: 'Why so many?',
      intent: 'raise-query',
    })
  })

  test('a figure with a query is marked in its cell, linked to the conversation', () => {
    const Stub = createRemixStub([
      {
        path: PAGE,
        Component: () => (
          <Form>
            <FigureGrid
              groups={[
                {
                  family: 'ccbt',
                  measures: [{ name: 'referrals', label: 'Referrals', unit: 'people' }],
                  services: [
                    {
                      slug: 'ccbt-adults',
                      name: 'cCBT Adults',
                      cells: [
                        {
                          measure: 'referrals',
                          applies: true,
                          value: 1250,
                          comment: null,
                          lastMonth: null,
                          lastYear: null,
                          warning: null,
                        },
                      ],
                    },
                  ],
                },
              ]}
              editable={false}
              typed={null}
              errors={new Map()}
              historyHref={`${PAGE}/history`}
              queries={new Map([['ccbt-adults|referrals', [{ id: 7, status: 'open' as const }]]])}
            />
          </Form>
        ),
      },
    ])
    render(<Stub initialEntries={[PAGE]} />)
    expect(screen.getByRole('link', { name: /^Query open\s*about cCBT Adults: Referrals$/ })).toHaveAttribute(
      'href',
      '#query-7',
    )
  })
})
