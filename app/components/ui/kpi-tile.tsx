import type { ReactNode } from 'react'
import type { Change } from '#app/domain/figure.ts'

export interface KpiTileProps {
  label: string
  value: string
  /** What the figure counts and over which period, in plain words. */
  description: ReactNode
  /** Comparison with a national standard, when one exists. */
  standard?: { met: boolean | null; text: string }
  /** Change since the same period a year earlier. */
  change?: Change | null
  /** A figure to read it against, e.g. Scotland's beside a board's. */
  reference?: string
  definition: string
  /** The control chart's icons: the latest month's variation and the assurance of the standard. */
  signals?: ReactNode
}

const ARROWS: Record<Change['direction'], string> = { up: '▲', down: '▼', same: '■' }

/** One headline figure with its unit, period, standard, change and definition. */
export function KpiTile({ label, value, description, standard, change, reference, definition, signals }: KpiTileProps) {
  return (
    <div className="ds_card app-kpi">
      <div className="ds_card__content">
        <h2 className="app-kpi__label">{label}</h2>
        <p className="app-kpi__value">{value}</p>
        {reference ? <p className="app-kpi__reference">{reference}</p> : null}
        <p className="app-kpi__description">{description}</p>
        {standard ? (
          <p className="app-kpi__standard">
            {standard.met === null ? null : (
              <>
                <strong className={`ds_tag ${standard.met ? 'ds_tag--green' : 'ds_tag--orange'}`}>
                  {standard.met ? 'Meets standard' : 'Below standard'}
                </strong>{' '}
              </>
            )}
            {standard.text}
          </p>
        ) : null}
        {signals ? <p className="app-kpi__signals">{signals}</p> : null}
        {change ? (
          <p className={`app-kpi__change app-kpi__change--${change.direction}`}>
            <span aria-hidden="true">{ARROWS[change.direction]} </span>
            {change.text}
          </p>
        ) : null}
        <details className="ds_details app-kpi__definition">
          <summary className="ds_details__summary">
            Definition<span className="visually-hidden">: {label}</span>
          </summary>
          <div className="ds_details__text">{definition}</div>
        </details>
      </div>
    </div>
  )
}
