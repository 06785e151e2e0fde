// The words of each reminder e-mail, as plain text and as HTML: the board, the month, the
// deadline and the address of the return (absolute, from the dashboard's public origin).
import { formatDate, formatMonth } from '#app/utils/dates.ts'
import type { PlannedReminder } from './reminders.ts'

export interface ReminderMail {
  subject: string
  text: string
  html: string
}

const PRODUCT = 'Digital Therapies Programme Dashboard'

export function composeReminderMail(reminder: PlannedReminder, origin: string): ReminderMail {
  const month = formatMonth(reminder.month)
  const deadline = `the end of ${formatDate(reminder.deadline)}`
  if (reminder.kind === 'national_digest') {
    const monthLink = `${origin}/returns?month=${reminder.month}`
    const missing = reminder.missing.map((m) => ({
      label: m.name,
      href: `${origin}/returns/${m.code}/${reminder.month}`,
    }))
    const awaiting = reminder.awaitingApproval.map((a) => ({
      label: `${a.name}, ${formatMonth(a.month)}`,
      href: `${origin}/returns/${a.code}/${a.month}`,
    }))
    const subject = `Returns for ${month}: ${count(missing.length, 'missing')}, ${count(awaiting.length, 'awaiting approval')}`
    const intro = `The returns for ${month} were due by ${deadline}.`
    const sections: Array<{ title: string; items: typeof missing }> = [
      { title: `Not submitted for ${month} (${missing.length})`, items: missing },
      { title: `Awaiting your approval (${awaiting.length})`, items: awaiting },
    ]
    const text = [
      `Dear ${reminder.recipient.name},`,
      '',
      intro,
      '',
      ...sections.flatMap((s) => [
        `${s.title}:`,
        ...(s.items.length ? s.items.map((i) => `- ${i.label}: ${i.href}`) : ['- none']),
        '',
      ]),
      `Every board's return for ${month}: ${monthLink}`,
      '',
      footer(),
    ].join('\n')
    const html = page(
      subject,
      [
        `<p>Dear ${escape(reminder.recipient.name)},</p>`,
        `<p>${escape(intro)}</p>`,
        ...sections.map(
          (s) =>
            `<h2>${escape(s.title)}</h2>` +
            (s.items.length
              ? `<ul>${s.items.map((i) => `<li><a href="${escape(i.href)}">${escape(i.label)}</a></li>`).join('')}</ul>`
              : '<p>None.</p>'),
        ),
        `<p><a href="${escape(monthLink)}">Every board’s return for ${escape(month)}</a></p>`,
      ].join('\n'),
    )
    return { subject, text, html }
  }

  const link = `${origin}/returns/${reminder.board.code}/${reminder.month}`
  const before = reminder.kind === 'before_deadline'
  const subject = before
    ? `${reminder.board.name}: the return for ${month} is due by ${formatDate(reminder.deadline)}`
    : `${reminder.board.name}: the return for ${month} is overdue`
  const body = before
    ? `${reminder.board.name}'s monthly return for ${month} has not been submitted yet. It is due by ${deadline}.`
    : `${reminder.board.name}'s monthly return for ${month} was due by ${deadline} and has not been submitted.`
  const action = before ? 'Enter, check and submit it here:' : 'Please submit it as soon as you can:'
  const text = [`Dear ${reminder.recipient.name},`, '', body, '', action, link, '', footer()].join('\n')
  const html = page(
    subject,
    [
      `<p>Dear ${escape(reminder.recipient.name)},</p>`,
      `<p>${escape(body)}</p>`,
      `<p><a href="${escape(link)}">The ${escape(reminder.board.name)} return for ${escape(month)}</a></p>`,
    ].join('\n'),
  )
  return { subject, text, html }
}

function count(n: number, what: string) {
  return `${n} ${what}`
}

function footer() {
  return `Sent by the ${PRODUCT}, once for each reminder. Returns already submitted are never chased.`
}

function page(title: string, body: string) {
  return [
    '<!doctype html>',
    `<html lang="en-GB"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`,
    `<body style="font-family: Arial, sans-serif; line-height: 1.5">`,
    body,
    `<p style="color: #5e5e5e">${escape(footer())}</p>`,
    '</body></html>',
  ].join('\n')
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escape(value: string) {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}
