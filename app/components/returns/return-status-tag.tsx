import type { ReturnStatus } from '#app/utils/permissions.ts'

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
  const [label, colour] =
    status === 'approved'
      ? ['Approved', 'green']
      : status === 'submitted'
        ? ['Submitted', 'blue']
        : status === 'draft'
          ? ['Draft', 'grey']
          : ['Not started', 'grey']
  return (
    <>
      <strong className={`ds_tag ds_tag--${colour}`}>{label}</strong>
      {late || overdue ? (
        <>
          {' '}
          <strong className="ds_tag ds_tag--orange">{late ? 'Late' : 'Overdue'}</strong>
        </>
      ) : null}
    </>
  )
}
