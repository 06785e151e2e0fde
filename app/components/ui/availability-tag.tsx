import { AVAILABILITY_LABELS, type AvailabilityStatus } from '#app/domain/labels.ts'

/** A service's availability as a design-system tag, in words (colour never carries it alone). */
export function AvailabilityTag({ status }: { status: AvailabilityStatus }) {
  const { text, colour } = AVAILABILITY_LABELS[status]
  return <strong className={`ds_tag ds_tag--${colour}`}>{text}</strong>
}
