import { formatDate } from '#app/utils/dates.ts'

const DAY = 86_400_000

function days(n: number) {
  return `${n} day${n === 1 ? '' : 's'}`
}

/** The deadline in words, with a countdown before it and lateness after it. */
export function describeDeadline({
  deadline,
  submittedAt,
  now,
}: {
  deadline: Date
  submittedAt: Date | null
  now: Date
}) {
  const due = `due by ${formatDate(deadline)}`
  if (submittedAt) {
    const lateBy = Math.ceil((submittedAt.getTime() - deadline.getTime()) / DAY)
    return lateBy > 0 ? `Submitted ${days(lateBy)} late (${due}).` : `Submitted on time (${due}).`
  }
  const left = deadline.getTime() - now.getTime()
  if (left >= 0) {
    const whole = Math.floor(left / DAY)
    return whole === 0 ? `Due today: ${due}.` : `${days(whole)} left: ${due}.`
  }
  return `Overdue by ${days(Math.ceil(-left / DAY))}: it was ${due}.`
}
