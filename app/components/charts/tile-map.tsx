// The boards as a tile map: one square each, hand-placed roughly where the board is (reference
// data), so the island boards are as visible as the big ones. Drawn in SVG on the server (no map
// download, no script): coloured by class of the chosen indicator, and every tile also prints
// its name and value, so the colour is never the only way to read it.
import { type CellKind, formatCell } from '#app/domain/figure.ts'
import {
  HIGHLIGHT_COLOUR,
  MAP_NO_DATA,
  MAP_TILE_BORDER,
  mapClasses,
  mapClassOf,
  TEXT_COLOUR,
  textColourOn,
  wrapText,
} from './chart-config.ts'

export interface MapTile {
  code: string
  name: string
  label: string
  row: number
  column: number
  value: number | null
  /** Withheld by disclosure control: shown as c. */
  suppressed?: boolean
  highlighted?: boolean
}

const TILE_WIDTH = 140
const TILE_HEIGHT = 92
const GAP = 6

/** Splits a tile label into lines of about 14 characters at spaces. */
export function tileLabelLines(label: string, width = 14): string[] {
  return wrapText(label, width, (text) => text.length)
}

function tileValueText(tile: MapTile, kind: CellKind) {
  if (tile.suppressed) return 'c (hidden)'
  return tile.value === null ? 'no figures' : formatCell(tile.value, kind)
}

export function TileMap({
  id,
  tiles,
  kind,
  indicatorLabel,
  unit,
}: {
  id: string
  tiles: MapTile[]
  kind: CellKind
  indicatorLabel: string
  unit: string
}) {
  const classes = mapClasses(tiles.map((t) => t.value))
  const columns = Math.max(1, ...tiles.map((t) => t.column + 1))
  const rows = Math.max(1, ...tiles.map((t) => t.row + 1))
  const width = columns * (TILE_WIDTH + GAP) + GAP
  const height = rows * (TILE_HEIGHT + GAP) + GAP
  const noData = `${id}-no-data`
  const titleId = `${id}-title`
  const descId = `${id}-desc`
  return (
    <figure className="app-tile-map" data-chart={id}>
      <svg
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        className="app-tile-map__svg"
        style={{ maxWidth: width }}
      >
        <title id={titleId}>{`Tile map of ${indicatorLabel.toLowerCase()} by board`}</title>
        <desc id={descId}>
          {`Each square is a board, placed roughly where it is in Scotland; darker blue means a higher figure. ${tiles
            .map((t) => `${t.name}: ${tileValueText(t, kind)}`)
            .join('; ')}.`}
        </desc>
        <defs>
          <pattern id={noData} patternUnits="userSpaceOnUse" width={10} height={10}>
            <rect width={10} height={10} fill={MAP_NO_DATA} />
            <path d="M-2,2 l4,-4 M0,10 l10,-10 M8,12 l4,-4" stroke="#767676" strokeWidth={1.5} />
          </pattern>
        </defs>
        {tiles.map((t) => {
          const x = GAP + t.column * (TILE_WIDTH + GAP)
          const y = GAP + t.row * (TILE_HEIGHT + GAP)
          const cls = mapClassOf(t.value, classes)
          const fill = cls ? cls.colour : `url(#${noData})`
          const text = cls ? textColourOn(cls.colour) : TEXT_COLOUR
          const lines = tileLabelLines(t.label)
          return (
            <g key={t.code} data-code={t.code}>
              <rect
                x={x}
                y={y}
                width={TILE_WIDTH}
                height={TILE_HEIGHT}
                rx={4}
                fill={fill}
                stroke={t.highlighted ? HIGHLIGHT_COLOUR : MAP_TILE_BORDER}
                strokeWidth={t.highlighted ? 5 : 1.5}
                strokeDasharray={t.highlighted ? '10 4' : undefined}
              />
              {lines.map((line, i) => (
                <text
                  key={line}
                  x={x + TILE_WIDTH / 2}
                  y={y + 24 + i * 18}
                  textAnchor="middle"
                  fontSize={15}
                  fontWeight={600}
                  fill={cls ? text : TEXT_COLOUR}
                  className={cls ? undefined : 'app-tile-map__label--no-data'}
                >
                  {line}
                </text>
              ))}
              <text
                x={x + TILE_WIDTH / 2}
                y={y + TILE_HEIGHT - 14}
                textAnchor="middle"
                fontSize={17}
                fontWeight={700}
                fill={cls ? text : TEXT_COLOUR}
              >
                {tileValueText(t, kind)}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption className="app-tile-map__legend">
        <p className="app-tile-map__legend-title">
          {indicatorLabel} ({unit})
        </p>
        <ul className="app-legend app-legend--map">
          {classes.map((c, i) => (
            <li key={c.colour}>
              <svg width={22} height={16} aria-hidden="true" focusable="false">
                <rect x={1} y={1} width={20} height={14} fill={c.colour} stroke={MAP_TILE_BORDER} />
              </svg>
              {/* A value on a boundary is in the higher class. */}
              {classes.length === 1
                ? formatCell(c.from, kind)
                : `${formatCell(c.from, kind)} to ${i < classes.length - 1 ? 'under ' : ''}${formatCell(c.to, kind)}`}
            </li>
          ))}
          {tiles.some((t) => t.value === null) ? (
            <li>
              <svg width={22} height={16} aria-hidden="true" focusable="false">
                <rect x={1} y={1} width={20} height={14} fill={`url(#${noData})`} stroke={MAP_TILE_BORDER} />
              </svg>
              {tiles.some((t) => t.suppressed) ? 'No figures, or hidden (c)' : 'No figures'}
            </li>
          ) : null}
          {tiles.some((t) => t.highlighted) ? (
            <li>
              <svg width={22} height={16} aria-hidden="true" focusable="false">
                <rect
                  x={2}
                  y={2}
                  width={18}
                  height={12}
                  fill="#ffffff"
                  stroke={HIGHLIGHT_COLOUR}
                  strokeWidth={3}
                  strokeDasharray="5 2"
                />
              </svg>
              Selected board
            </li>
          ) : null}
        </ul>
      </figcaption>
    </figure>
  )
}
