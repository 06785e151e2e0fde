import { LATE, OVERDUE, RETURN_STATUS_LABELS, type ReturnStatus } from '#app/domain/labels.ts'

/** A return's state as a design-system tag, in words (colour never carries it alone). */
export function ReturnStatusTag({
  status,
  late,
  overdue = false,
}: {
  status: ReturnStatus | null
  late: boolean
  overdue?: boolean
}) {
  const { text: label, colour } = RETURN_STATUS_LABELS[status ?? 'missing']
  return (
    <>
      <strong className={`ds_tag ds_tag--${colour}`}>{label}</strong>
      {late || overdue ? (
        <>
          {' '}
          <strong className="ds_tag ds_tag--orange">{late ? LATE : OVERDUE}</strong>
        </>
      ) : null}
    </>
  )
}
