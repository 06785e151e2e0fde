import type { FieldMetadata } from '@conform-to/react'
import { ROLE_LABELS, ROLES } from '#app/utils/permissions.ts'
import { SelectField } from './form.tsx'

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))

/** An account's role and board, as chosen when it is created or changed. */
export function RoleAndBoardFields({
  role,
  board,
  boards,
  roleHint,
  rolePlaceholder,
}: {
  role: FieldMetadata<unknown>
  board: FieldMetadata<unknown>
  boards: Array<{ id: number; name: string }>
  roleHint?: string
  rolePlaceholder?: string
}) {
  return (
    <>
      <SelectField field={role} label="Role" hint={roleHint} placeholder={rolePlaceholder} options={ROLE_OPTIONS} />
      <SelectField
        field={board}
        label="Board"
        hint="Only for board digital therapy leads."
        placeholder="No board"
        options={boards.map((b) => ({ value: String(b.id), label: b.name }))}
      />
    </>
  )
}
