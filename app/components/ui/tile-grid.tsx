import type { Tile } from '#app/dashboards/view.ts'
import { SUPPRESSED } from '#app/disclosure/figures.ts'
import { describeChange, formatCell } from '#app/domain/figure.ts'
import { KpiTile } from './kpi-tile.tsx'
import { AssuranceIcon, SpcIconKey, VariationIcon } from './spc-icons.tsx'

/** Whether a tile meets its standard, in words: unknown when it has no figure or is hidden. */
function standardOf(tile: Tile) {
  if (tile.standard === undefined) return undefined
  const text = `The standard is ${Math.round(tile.standard * 100)}%.`
  if (tile.suppressed) return { met: null, text }
  if (tile.value === null) return { met: null, text: `No figures reported. ${text}` }
  return { met: tile.value >= tile.standard, text }
}

/** The headline tiles of a page, with their standards, changes and reference figures. */
export function TileGrid({ tiles, headingId }: { tiles: Tile[]; headingId: string }) {
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="visually-hidden">
        Headline figures
      </h2>
      <div className="app-kpi-grid">
        {tiles.map((tile) => (
          <KpiTile
            key={tile.id}
            label={tile.label}
            value={tile.suppressed ? SUPPRESSED : formatCell(tile.value, tile.kind)}
            description={
              tile.suppressed ? `${tile.description} Not shown: it would reveal a small number.` : tile.description
            }
            standard={standardOf(tile)}
            change={
              tile.comparisonLabel && !tile.suppressed
                ? describeChange(tile.value, tile.previous, tile.kind, tile.comparisonLabel)
                : null
            }
            reference={
              tile.reference
                ? `${tile.reference.label}: ${tile.reference.suppressed ? SUPPRESSED : formatCell(tile.reference.value, tile.kind)}`
                : undefined
            }
            definition={tile.definition}
            signals={
              tile.suppressed || (!tile.variation && !tile.assurance) ? undefined : (
                <>
                  {tile.variation ? <VariationIcon variation={tile.variation} size={32} /> : null}
                  {tile.assurance ? <AssuranceIcon assurance={tile.assurance} size={32} /> : null}
                </>
              )
            }
          />
        ))}
      </div>
      {tiles.some((t) => t.variation || t.assurance) ? (
        <details className="ds_details">
          <summary className="ds_details__summary">What the icons on the figures mean</summary>
          <div className="ds_details__text">
            <p>
              Each icon judges the latest month on the figure&apos;s control chart (by month): whether it is more than
              the usual ups and downs, and whether the standard is reliably met.
            </p>
            <SpcIconKey assurance />
          </div>
        </details>
      ) : null}
    </section>
  )
}
