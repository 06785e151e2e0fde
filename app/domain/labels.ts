// Every status word the product shows, in one place: the same state reads the same on every page,
// in every table and in every CSV. Types come from the schema's enums, never retyped.
import { formatMonthShort } from '#app/utils/dates.ts'
import type { ReturnStatus } from '#app/utils/permissions.ts'
import type { availabilityStatus } from '#db/schema/catalogue.ts'
import type { queryMessageKind, QueryStatus } from '#db/schema/queries.ts'

export type { ReturnStatus }
export type AvailabilityStatus = (typeof availabilityStatus.enumValues)[number]
export type { QueryStatus }
export type QueryMessageKind = (typeof queryMessageKind.enumValues)[number]

/** The design system's tag colours (`ds_tag--<colour>`); colour never carries a meaning alone. */
export type TagColour = 'green' | 'blue' | 'grey' | 'red' | 'orange'

export const AVAILABILITY_LABELS: Record<AvailabilityStatus, { text: string; colour: TagColour; definition: string }> =
  {
    live: {
      text: 'Live',
      colour: 'green',
      definition: 'The service takes referrals and its figures are expected in the monthly return.',
    },
    pilot: {
      text: 'Pilot',
      colour: 'blue',
      definition:
        'A limited trial: figures may be returned but are not expected, and it does not count towards coverage.',
    },
    planned: { text: 'Planned', colour: 'grey', definition: 'Agreed but not yet available.' },
    withdrawn: { text: 'Withdrawn', colour: 'red', definition: 'Was available and has stopped, for the dates shown.' },
  }

/** A board's service where it is not offered, or where the service is delivered nationally. */
export const NOT_OFFERED = 'Not offered'
export const NATIONAL_SERVICE = 'National service'

/** A return's workflow state; `missing` when nothing has been saved for the month. */
export const RETURN_STATUS_LABELS: Record<ReturnStatus | 'missing', { text: string; colour: TagColour }> = {
  missing: { text: 'Not started', colour: 'grey' },
  draft: { text: 'Draft', colour: 'grey' },
  submitted: { text: 'Submitted', colour: 'blue' },
  approved: { text: 'Approved', colour: 'green' },
}

export const LATE = 'Late'
export const OVERDUE = 'Overdue'

/** A board-month on the completeness grid: the workflow state against the deadline. */
export const COMPLETENESS_STATES = ['approved', 'submitted', 'late', 'draft', 'missing', 'not-due'] as const
export type CompletenessState = (typeof COMPLETENESS_STATES)[number]

// One letter per state keeps twelve months on one screen; the legend and the hidden text say it
// in words.
export const COMPLETENESS_LABELS: Record<CompletenessState, { text: string; letter: string; colour: TagColour }> = {
  approved: { text: 'Approved', letter: 'A', colour: 'green' },
  submitted: { text: 'Submitted on time, not yet approved', letter: 'S', colour: 'blue' },
  late: { text: 'Submitted after the deadline', letter: 'L', colour: 'orange' },
  draft: { text: 'Started but not submitted, deadline passed', letter: 'D', colour: 'grey' },
  missing: { text: 'Nothing submitted, deadline passed', letter: 'M', colour: 'red' },
  'not-due': { text: 'Not yet due', letter: 'N', colour: 'grey' },
}

/** 'Apr 2024 to Mar 2025', or 'since Apr 2024' while it lasts. */
export function datesText(since: string, until: string | null) {
  return until ? `${formatMonthShort(since)} to ${formatMonthShort(until)}` : `since ${formatMonthShort(since)}`
}

/** 'Live since Apr 2024', 'Pilot Apr 2024 to Mar 2025'. */
export function availabilityText(status: AvailabilityStatus, since: string | null, until: string | null) {
  const text = AVAILABILITY_LABELS[status].text
  return since ? `${text} ${datesText(since, until)}` : text
}

/** A data query's state, and who it waits for. */
export const QUERY_STATUS_LABELS: Record<QueryStatus, { text: string; colour: TagColour; definition: string }> = {
  open: { text: 'Open', colour: 'orange', definition: 'Waiting for the board’s answer.' },
  answered: { text: 'Answered', colour: 'blue', definition: 'The board has answered: waiting for the national team.' },
  closed: { text: 'Closed', colour: 'grey', definition: 'Settled: nothing more is needed.' },
}

/** What each message of a query's conversation is. */
export const QUERY_MESSAGE_LABELS: Record<QueryMessageKind, string> = {
  question: 'Question',
  answer: 'Answer',
  closing: 'Closed',
  reopening: 'Reopened',
}

/** A query's subject: its figure, or the whole return. */
export function queryFigureText(figure: { serviceName: string; label: string } | null) {
  return figure ? `${figure.serviceName}: ${figure.label}` : 'The whole return'
}
