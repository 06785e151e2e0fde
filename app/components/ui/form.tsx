// Design-system form pieces for conform fields: a question with its label, hint and error,
// and the error summary that lists every error at the top of the page, linked to its field.
import { type FieldMetadata, getInputProps, getSelectProps } from '@conform-to/react'
import { type ReactNode, useEffect, useRef } from 'react'

export interface SummaryError {
  /** The id of the field the message is about (the summary links to it). */
  id: string
  message: string
}

/** "There is a problem": shown above the form, focused when it appears. */
export function ErrorSummary({ errors }: { errors: SummaryError[] }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus()
  }, [errors])
  if (errors.length === 0) return null
  return (
    <div className="ds_error-summary" aria-labelledby="error-summary-title" role="alert" tabIndex={-1} ref={ref}>
      <h2 className="ds_error-summary__title" id="error-summary-title">
        There is a problem
      </h2>
      <ul className="ds_error-summary__list">
        {errors.map((error) => (
          <li key={`${error.id}:${error.message}`}>
            <a href={`#${error.id}`}>{error.message}</a>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The summary's entries for the given fields, in form order. */
export function fieldErrors(fields: Array<FieldMetadata<unknown>>): SummaryError[] {
  return fields.flatMap((field) => (field.errors ?? []).map((message) => ({ id: field.id, message })))
}

function Question({
  field,
  label,
  hint,
  children,
}: {
  field: FieldMetadata<unknown>
  label: ReactNode
  hint?: ReactNode
  children: ReactNode
}) {
  const error = field.errors?.[0]
  return (
    <div className={`ds_question${error ? ' ds_question--error' : ''}`}>
      <label className="ds_label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <p className="ds_hint-text" id={field.descriptionId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="ds_question__error-message" id={field.errorId}>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  )
}

function describedBy(field: FieldMetadata<unknown>, hint: unknown) {
  return (
    [hint ? field.descriptionId : null, field.errors?.length ? field.errorId : null].filter(Boolean).join(' ') ||
    undefined
  )
}

export function TextField({
  field,
  label,
  hint,
  type = 'text',
  autoComplete,
  width = 'fluid-two-thirds',
  spellCheck,
}: {
  field: FieldMetadata<unknown>
  label: ReactNode
  hint?: ReactNode
  type?: 'text' | 'email' | 'password' | 'search' | 'number'
  autoComplete?: string
  width?: 'fixed-10' | 'fixed-20' | 'fluid-one-third' | 'fluid-half' | 'fluid-two-thirds' | 'fluid-three-quarters'
  spellCheck?: boolean
}) {
  const { key, ...props } = getInputProps(field, { type, ariaDescribedBy: describedBy(field, hint) })
  return (
    <Question field={field} label={label} hint={hint}>
      <input
        key={key}
        {...props}
        className={`ds_input ds_input--${width}${field.errors?.length ? ' ds_input--error' : ''}`}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
      />
    </Question>
  )
}

export function SelectField({
  field,
  label,
  hint,
  options,
  placeholder,
}: {
  field: FieldMetadata<unknown>
  label: ReactNode
  hint?: ReactNode
  options: Array<{ value: string; label: string }>
  placeholder?: string
}) {
  const { key, defaultValue, ...props } = getSelectProps(field, { ariaDescribedBy: describedBy(field, hint) })
  return (
    <Question field={field} label={label} hint={hint}>
      <div className="ds_select-wrapper">
        <select
          key={key}
          {...props}
          // A field posted twice comes back as a list: show the first choice.
          defaultValue={Array.isArray(defaultValue) ? defaultValue[0] : defaultValue}
          className={`ds_select${field.errors?.length ? ' ds_select--error' : ''}`}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </Question>
  )
}

export function CheckboxField({
  field,
  label,
  hint,
}: {
  field: FieldMetadata<unknown>
  label: ReactNode
  hint?: ReactNode
}) {
  const { key, ...props } = getInputProps(field, {
    type: 'checkbox',
    value: 'on',
    ariaDescribedBy: describedBy(field, hint),
  })
  return (
    <div className="ds_checkbox ds_checkbox--small">
      <input key={key} {...props} className="ds_checkbox__input" />
      <label className="ds_checkbox__label" htmlFor={field.id}>
        {label}
      </label>
      {hint ? (
        <p className="ds_hint-text" id={field.descriptionId}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}
