// Design-system form pieces: a question with its label, hint and error (for conform fields and
// for plain GET or upload forms), selects, checkboxes, the buttons of a form, and the error
// summary that lists every error at the top of the page, linked to its field.
import { type FieldMetadata, getInputProps, getSelectProps } from '@conform-to/react'
import { Form, Link } from '@remix-run/react'
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useEffect, useRef } from 'react'

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

/** A question's hint, if it has one: `id` is what the control's `aria-describedby` points at. */
export function Hint({ id, children }: { id?: string; children?: ReactNode }) {
  return children ? (
    <p className="ds_hint-text" id={id}>
      {children}
    </p>
  ) : null
}

/**
 * A question: its label, hint and error above the control. `hintId` and `errorId` are the ids
 * the control's `aria-describedby` points at.
 */
export function Question({
  id,
  label,
  hint,
  hintId = `${id}-hint`,
  error,
  errorId = `${id}-error`,
  children,
}: {
  id: string
  label: ReactNode
  hint?: ReactNode
  hintId?: string
  error?: ReactNode
  errorId?: string
  children: ReactNode
}) {
  return (
    <div className={`ds_question${error ? ' ds_question--error' : ''}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      <Hint id={hintId}>{hint}</Hint>
      {error ? (
        <p className="ds_question__error-message" id={errorId}>
          {error}
        </p>
      ) : null}
      {children}
    </div>
  )
}

function FieldQuestion({
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
  return (
    <Question
      id={field.id}
      label={label}
      hint={hint}
      hintId={field.descriptionId}
      error={field.errors?.[0]}
      errorId={field.errorId}
    >
      {children}
    </Question>
  )
}

function describedBy(field: FieldMetadata<unknown>, hint: unknown) {
  return (
    [hint ? field.descriptionId : null, field.errors?.length ? field.errorId : null].filter(Boolean).join(' ') ||
    undefined
  )
}

type InputWidth =
  'fixed-10' | 'fixed-20' | 'fluid-one-third' | 'fluid-half' | 'fluid-two-thirds' | 'fluid-three-quarters'

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
  width?: InputWidth
  spellCheck?: boolean
}) {
  const { key, ...props } = getInputProps(field, { type, ariaDescribedBy: describedBy(field, hint) })
  return (
    <FieldQuestion field={field} label={label} hint={hint}>
      <input
        key={key}
        {...props}
        className={`ds_input ds_input--${width}${field.errors?.length ? ' ds_input--error' : ''}`}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
      />
    </FieldQuestion>
  )
}

/** A password: never spell-checked, half width; `autoComplete` says whose it is (current or new). */
export function PasswordField({
  field,
  label,
  hint,
  autoComplete,
}: {
  field: FieldMetadata<unknown>
  label: ReactNode
  hint?: ReactNode
  autoComplete: 'current-password' | 'new-password'
}) {
  return (
    <TextField field={field} label={label} hint={hint} type="password" autoComplete={autoComplete} width="fluid-half" />
  )
}

/**
 * A field of a form that conform does not manage (a GET filter form, a file upload): the value
 * comes from the address or is new each time. Its hint has the id `<id>-hint`.
 */
export function InputField({
  id,
  name = id,
  label,
  hint,
  width,
  ...input
}: {
  id: string
  name?: string
  label: ReactNode
  hint?: ReactNode
  width?: InputWidth
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'defaultValue' | 'inputMode' | 'spellCheck' | 'accept'>) {
  const file = input.type === 'file'
  return (
    <Question id={id} label={label} hint={hint}>
      <input
        {...input}
        className={file ? 'ds_file-upload__input' : `ds_input${width ? ` ds_input--${width}` : ''}`}
        id={id}
        name={name}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
    </Question>
  )
}

export interface SelectOption {
  value: string
  label: string
}

/** The design system's select, with an optional first choice that means "none" or "all". */
export function Select({
  options,
  placeholder,
  className = 'ds_select',
  ...select
}: {
  options: SelectOption[]
  placeholder?: string
} & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <div className="ds_select-wrapper">
      <select {...select} className={className}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <span className="ds_select-arrow" aria-hidden="true" />
    </div>
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
  options: SelectOption[]
  placeholder?: string
}) {
  const { key, defaultValue, ...props } = getSelectProps(field, { ariaDescribedBy: describedBy(field, hint) })
  return (
    <FieldQuestion field={field} label={label} hint={hint}>
      <Select
        key={key}
        {...props}
        // A field posted twice comes back as a list: show the first choice.
        defaultValue={Array.isArray(defaultValue) ? defaultValue[0] : defaultValue}
        className={`ds_select${field.errors?.length ? ' ds_select--error' : ''}`}
        options={options}
        placeholder={placeholder}
      />
    </FieldQuestion>
  )
}

/** A select of a form that conform does not manage, like a GET filter form. */
export function SelectInput({
  id,
  label,
  options,
  placeholder,
  defaultValue,
}: {
  id: string
  label: ReactNode
  options: SelectOption[]
  placeholder?: string
  defaultValue: string | number
}) {
  return (
    <Question id={id} label={label}>
      <Select id={id} name={id} defaultValue={defaultValue} options={options} placeholder={placeholder} />
    </Question>
  )
}

/** One of the design system's small checkboxes or radios: the control, its label and an optional hint. */
export function Choice({
  type = 'checkbox',
  label,
  hint,
  hintId,
  ...input
}: {
  type?: 'checkbox' | 'radio'
  label: ReactNode
  hint?: ReactNode
  hintId?: string
  id: string
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'className'>) {
  return (
    <div className={`ds_${type} ds_${type}--small`}>
      <input {...input} type={type} className={`ds_${type}__input`} />
      <label className={`ds_${type}__label`} htmlFor={input.id}>
        {label}
      </label>
      <Hint id={hintId}>{hint}</Hint>
    </div>
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
  const {
    key,
    type: _checkbox,
    ...props
  } = getInputProps(field, {
    type: 'checkbox',
    value: 'on',
    ariaDescribedBy: describedBy(field, hint),
  })
  return <Choice key={key} {...props} label={label} hint={hint} hintId={field.descriptionId} />
}

/** The design system's submit button; a secondary one for the lesser of two forms on a page. */
export function SubmitButton({
  secondary = false,
  disabled,
  children,
}: {
  secondary?: boolean
  disabled?: boolean
  children: ReactNode
}) {
  return (
    <button type="submit" className={secondary ? 'ds_button ds_button--secondary' : 'ds_button'} disabled={disabled}>
      {children}
    </button>
  )
}

/** A form's submit button, with a link that leaves the form without saving beside it. */
export function FormButtons({
  submit,
  cancel,
  disabled,
}: {
  submit: ReactNode
  cancel?: { to: string; label?: string }
  disabled?: boolean
}) {
  return (
    <div className="ds_button-group">
      <SubmitButton disabled={disabled}>{submit}</SubmitButton>
      {cancel ? (
        <Link to={cancel.to} className="ds_button ds_button--cancel">
          {cancel.label ?? 'Cancel'}
        </Link>
      ) : null}
    </div>
  )
}

/**
 * A small button that posts one action about one row of a table ("Revoke", "Remove"). Its
 * accessible name adds what it acts on, which sighted people read from the row.
 */
export function RowActionButton({
  intent,
  values,
  label,
  subject,
}: {
  intent: string
  values: Record<string, string | number>
  label: string
  subject: string
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(values).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className="ds_button ds_button--secondary ds_button--small ds_no-margin">
        {label}
        <span className="visually-hidden"> {subject}</span>
      </button>
    </Form>
  )
}
