import { Form, Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { formatMonthShort } from '#app/utils/dates.ts'
import {
  type DashboardFilters,
  hrefWithFilters,
  type MonthRange,
  PRESET_LABELS,
  PRESETS,
} from '#app/dashboards/filters.ts'
import { capitalise } from '#app/domain/format.ts'
import { GRAIN_LABELS, GRAINS } from '#app/domain/periods.ts'

export interface FilterFormState {
  filters: DashboardFilters
  period: MonthRange
  monthOptions: string[]
  boards: Array<{ code: string; name: string }>
  services: Array<{ slug: string; name: string }>
  notices: string[]
  /** With disclosure control on, the largest count it suppresses. */
  sdcThreshold: number | null
}

export interface SelectOption {
  value: string
  label: string
}

function Select({
  id,
  label,
  value,
  options,
  hint,
  wide,
}: {
  id: string
  label: string
  value: string
  options: SelectOption[]
  hint?: string
  /** Takes two columns of the form, for long option names. */
  wide?: boolean
}) {
  return (
    <div className={`ds_question app-filters__field${wide ? ' app-filters__field--wide' : ''}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="ds_hint-text" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="ds_select-wrapper">
        <select
          className="ds_select"
          id={id}
          name={id}
          defaultValue={value}
          aria-describedby={hint ? `${id}-hint` : undefined}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </div>
  )
}

/**
 * The filters of a dashboard page, all in the URL: quick links for the usual periods, and a GET
 * form for chosen months, the grain, the board and the service (plus a page's own field). It
 * works without JavaScript; with it, Remix fetches the new figures without reloading the page.
 */
export function FilterForm({
  action,
  state,
  board = true,
  service = true,
  extra,
  hidden = {},
}: {
  action: string
  state: FilterFormState
  /** Show the board select; a string fixes its value (a board's own page). */
  board?: boolean | string
  service?: boolean
  /** A page's own field, e.g. the tile map's indicator. */
  extra?: ReactNode
  /** Filters of the page that the form keeps, e.g. the table's sort. */
  hidden?: Record<string, string | undefined>
}) {
  const { filters, period } = state
  const months = [...state.monthOptions].reverse().map((m) => ({ value: m, label: formatMonthShort(m) }))
  const boardValue = typeof board === 'string' ? board : (filters.board ?? '')
  const keep = Object.entries(hidden).filter((e): e is [string, string] => e[1] !== undefined)
  return (
    <div className="app-filters">
      <h2 className="ds_h4 app-filters__heading" id="filters-heading">
        Period and filters
      </h2>
      <p className="app-filters__current">
        Showing <strong>{period.label}</strong>
        {period.preset !== 'custom' ? ` (${PRESET_LABELS[period.preset].toLowerCase()})` : null}, by{' '}
        {GRAIN_LABELS[filters.grain]}.
      </p>
      <nav aria-label="Usual periods" className="app-filters__presets">
        <ul>
          {PRESETS.map((preset) => (
            <li key={preset}>
              <Link
                to={hrefWithFilters(action, filters, undefined, { ...hidden, preset, from: undefined, to: undefined })}
                aria-current={period.preset === preset ? 'true' : undefined}
                className="app-filters__preset"
              >
                {PRESET_LABELS[preset]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {/* Keyed by what it shows, so a new period (from a quick link) resets the fields. */}
      <Form
        key={`${period.from}:${period.to}:${period.preset}:${filters.grain}:${boardValue}:${filters.service ?? ''}:${filters.sdc}`}
        method="get"
        action={action}
        aria-labelledby="filters-heading"
        className="app-filters__form"
      >
        <input type="hidden" name="preset" value={period.preset} />
        {keep.map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div className="app-filters__fields">
          <Select id="from" label="From" value={period.from} options={months} />
          <Select id="to" label="To" value={period.to} options={months} />
          <Select
            id="grain"
            label="Show by"
            value={filters.grain}
            options={GRAINS.map((g) => ({ value: g, label: capitalise(GRAIN_LABELS[g]) }))}
          />
          {board !== false ? (
            <Select
              id="board"
              label="Board"
              value={boardValue}
              options={[
                ...(typeof board === 'string' ? [] : [{ value: '', label: 'All boards' }]),
                ...state.boards.map((b) => ({ value: b.code, label: b.name })),
              ]}
            />
          ) : null}
          {service ? (
            <Select
              id="service"
              label="Service"
              value={filters.service ?? ''}
              options={[
                { value: '', label: 'All services' },
                ...state.services.map((s) => ({ value: s.slug, label: s.name })),
              ]}
            />
          ) : null}
          {extra}
        </div>
        <SdcCheckbox checked={filters.sdc === 'on'}>
          For a view that may be published: disclosure control, as in the publication exports.
        </SdcCheckbox>
        <FilterActions reset={action}>
          Reset to the last 12 months<span className="visually-hidden">, all boards and services</span>
        </FilterActions>
      </Form>
      {state.sdcThreshold !== null ? (
        <div className="ds_inset-text app-filters__sdc-on" role="status">
          <div className="ds_inset-text__text">
            <p>
              <strong>Small numbers are hidden.</strong> Counts from 1 to {state.sdcThreshold}, and figures from which
              one could be worked out, show as <strong>c</strong>.{' '}
              <Link to={hrefWithFilters(action, { ...filters, sdc: 'off' }, undefined, hidden)}>Show every figure</Link>
            </p>
          </div>
        </div>
      ) : null}
      {state.notices.length > 0 ? (
        <div className="ds_inset-text app-filters__notices" role="status">
          <div className="ds_inset-text__text">
            {state.notices.map((n) => (
              <p key={n}>{n}</p>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  )
}

/** "Hide small numbers" (`sdc=on`), with what it hides on this page as its hint. */
export function SdcCheckbox({ checked, children }: { checked: boolean; children: ReactNode }) {
  return (
    <div className="ds_field-group app-filters__sdc">
      <div className="ds_checkbox ds_checkbox--small">
        <input
          className="ds_checkbox__input"
          id="sdc"
          name="sdc"
          type="checkbox"
          value="on"
          defaultChecked={checked}
          aria-describedby="sdc-hint"
        />
        <label className="ds_checkbox__label" htmlFor="sdc">
          Hide small numbers
        </label>
        <p className="ds_hint-text" id="sdc-hint">
          {children}
        </p>
      </div>
    </div>
  )
}

/** Apply, and a link back to the page's defaults (`children` says what they are). */
export function FilterActions({ reset, children }: { reset: string; children: ReactNode }) {
  return (
    <div className="app-filters__actions">
      <button type="submit" className="ds_button ds_button--small ds_no-margin">
        Apply filters
      </button>
      <Link to={reset} className="app-filters__reset">
        {children}
      </Link>
    </div>
  )
}

export { Select as FilterSelect }
