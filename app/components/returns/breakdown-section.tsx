// The optional breakdowns of a return: for each service, one table per dimension (SIMD
// quintile, age band, sex) with a row for each category and a column for each measure it
// splits, under a details element so boards that report totals only never need to open it.
import { capitalise, formatCount } from '#app/domain/format.ts'
import { breakdownField, breakdownFieldId } from '#app/returns/breakdowns.ts'
import type { ServiceBreakdowns } from '#app/models/returns.server.ts'

export function BreakdownSection({
  services,
  editable,
  typed,
  errors,
}: {
  services: ServiceBreakdowns[]
  editable: boolean
  typed: Record<string, string> | null
  /** service|measure|dimension -> messages; service|measure|dimension|category -> message of that field */
  errors: Map<string, string>
}) {
  if (services.length === 0) return null
  return (
    <section aria-labelledby="breakdowns-title" className="app-return-group">
      <h2 id="breakdowns-title">Breakdowns by deprivation, age and sex (optional)</h2>
      <p>
        Where your system records them, split the figures by SIMD quintile of the person’s home postcode, by age band
        and by sex. Give every category of a breakdown or none of them, with 0 where there were none and people whose
        category is not recorded under “Not known”: the categories must add up to the total in the table above.
      </p>
      {services.map((service) => {
        const hasErrors = [...errors.keys()].some((k) => k.startsWith(`${service.service}|`))
        const held = service.dimensions.some((d) =>
          d.categories.some((c) => Object.values(c.values).some((v) => v !== null)),
        )
        return (
          <details key={service.service} className="ds_details" open={hasErrors || undefined}>
            <summary className="ds_details__summary">
              {service.name} by deprivation, age and sex{held ? ' (reported)' : ''}
            </summary>
            <div className="ds_details__text">
              {service.dimensions.map((dimension) => (
                <DimensionTable
                  key={dimension.name}
                  service={service}
                  dimension={dimension}
                  editable={editable}
                  typed={typed}
                  errors={errors}
                />
              ))}
            </div>
          </details>
        )
      })}
    </section>
  )
}

function DimensionTable({
  service,
  dimension,
  editable,
  typed,
  errors,
}: {
  service: ServiceBreakdowns
  dimension: ServiceBreakdowns['dimensions'][number]
  editable: boolean
  typed: Record<string, string> | null
  errors: Map<string, string>
}) {
  const groupErrors = service.measures
    .map((m) => errors.get(`${service.service}|${m.name}|${dimension.name}`))
    .filter((e): e is string => Boolean(e))
  return (
    <div className="app-table-scroll">
      {groupErrors.map((message) => (
        <p className="ds_question__error-message" key={message}>
          {message}
        </p>
      ))}
      <table className="ds_table app-return-table">
        <caption>
          {service.name} by {dimension.label}
        </caption>
        <thead>
          <tr>
            <th scope="col">{capitalise(dimension.label)}</th>
            {service.measures.map((m) => (
              <th scope="col" key={m.name}>
                {m.label}
                <span className="app-return-table__unit">people</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dimension.categories.map((category) => (
            <tr key={category.name}>
              <th scope="row">{category.label}</th>
              {service.measures.map((m) => {
                if (!dimension.measures.includes(m.name))
                  return (
                    <td key={m.name} className="app-return-table__na">
                      <span aria-hidden="true">–</span>
                      <span className="visually-hidden">Not applicable</span>
                    </td>
                  )
                const at = {
                  service: service.service,
                  measure: m.name,
                  dimension: dimension.name,
                  category: category.name,
                }
                const id = breakdownFieldId(at)
                const error = errors.get(`${at.service}|${at.measure}|${at.dimension}|${at.category}`)
                const value = category.values[m.name] ?? null
                return (
                  <td key={m.name} className={error ? 'app-return-table__cell--error' : undefined}>
                    {error ? (
                      <p className="ds_question__error-message app-return-table__error" id={`${id}-error`}>
                        {error}
                      </p>
                    ) : null}
                    {editable ? (
                      <>
                        <label className="visually-hidden" htmlFor={id}>
                          {service.name}: {m.label}, {dimension.label}: {category.label}
                        </label>
                        <input
                          className={`ds_input app-return-input${error ? ' ds_input--error' : ''}`}
                          id={id}
                          name={breakdownField(at)}
                          type="text"
                          inputMode="numeric"
                          autoComplete="off"
                          defaultValue={typed?.[breakdownField(at)] ?? (value === null ? '' : String(value))}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${id}-error` : undefined}
                        />
                      </>
                    ) : (
                      <span className="app-return-value">{value === null ? 'Not reported' : formatCount(value)}</span>
                    )}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total (saved in the table above)</th>
            {service.measures.map((m) => (
              <td key={m.name}>{m.total === null ? 'Not reported' : formatCount(m.total)}</td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  )
}
