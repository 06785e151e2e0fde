// A control chart (XmR, "Making Data Count"): the monthly values, each segment's mean and process
// limits, the standard as a target line, rebase lines and event markers. Plain SVG drawn by
// React on the server and the client (no chart library, nothing to wait for): every point is
// coloured and shaped by its type, the event markers are links a keyboard reaches, each leading
// to the event's words in the list under the chart.
import type { SpcPoint, SpcValueKind } from '#app/statistics/spc.ts'
import {
  ANNOTATION_COLOUR,
  AXIS_COLOUR,
  formatPeriodTick,
  formatTick,
  formatTooltipValue,
  GRID_COLOUR,
  markPath,
  type MarkStyle,
  niceTicks,
  PLOT_SVG_CLASS,
  SPC_LIMIT_COLOUR,
  SPC_LIMIT_DASH,
  SPC_MEAN_COLOUR,
  SPC_POINT_STYLES,
  SPC_TARGET_COLOUR,
  SPC_TARGET_DASH,
  TEXT_COLOUR,
} from './chart-config.ts'

export interface SpcChartAnnotation {
  /** The month the marker stands on, 'YYYY-MM'. */
  period: string
  /** The date as people read it: '15 March 2024'. */
  dateLabel: string
  text: string
  /** Whose event: 'Lothian', 'National'. */
  scope?: string
  rebase?: boolean
}

export interface SpcChartProps {
  /** Unique on the page: ids of the title, description and event list derive from it. */
  id: string
  /** What is charted: 'Referrals', '18-week performance'. */
  title: string
  kind: SpcValueKind
  points: readonly SpcPoint[]
  target?: { value: number; label: string } | null
  annotations?: readonly SpcChartAnnotation[]
  /** Said instead of the limits when the series has fewer than 12 points. */
  tooFewPointsText?: string | null
  width?: number
  height?: number
}

const MARGIN = { top: 36, right: 96, bottom: 44, left: 64 }

/** Where things go on the plot: x by the point's position, y by value. */
export function spcScales(
  points: readonly SpcPoint[],
  options: { width: number; height: number; kind: SpcValueKind; target?: number | null },
) {
  const values = points
    .flatMap((p) => [p.value, p.mean, p.lowerLimit, p.upperLimit])
    .filter((v): v is number => v !== null)
  if (options.target !== null && options.target !== undefined) values.push(options.target)
  let low = values.length ? Math.min(...values) : 0
  let high = values.length ? Math.max(...values) : 1
  if (options.kind === 'proportion') {
    low = Math.max(0, low)
    high = Math.min(1, high)
  } else {
    low = Math.max(0, low)
  }
  const ticks = niceTicks(low, high, 5)
  const domain: [number, number] = [ticks[0]!, ticks[ticks.length - 1]!]
  const plotWidth = options.width - MARGIN.left - MARGIN.right
  const plotHeight = options.height - MARGIN.top - MARGIN.bottom
  const step = points.length > 1 ? plotWidth / (points.length - 1) : 0
  const x = (index: number) => MARGIN.left + (points.length > 1 ? index * step : plotWidth / 2)
  const y = (value: number) =>
    MARGIN.top + plotHeight - ((value - domain[0]) / (domain[1] - domain[0] || 1)) * plotHeight
  return { x, y, ticks, domain, plotWidth, plotHeight }
}

function tickKind(kind: SpcValueKind) {
  return kind === 'proportion' ? 'percent' : 'count'
}

/** Every nth month labelled so labels never crowd: about one per 70px. */
function labelEvery(count: number, plotWidth: number) {
  const room = Math.max(1, Math.floor(plotWidth / 70))
  const every = Math.ceil(count / room)
  // Keep whole quarters or years when there are many months.
  return every <= 1 ? 1 : every <= 3 ? 3 : every <= 6 ? 6 : 12 * Math.ceil(every / 12)
}

/** The chart's description: what a screen reader hears in place of the picture. */
export function describeSpcChart(
  props: Pick<SpcChartProps, 'title' | 'kind' | 'points' | 'target' | 'annotations'>,
): string {
  const { points, kind } = props
  const format = (v: number | null) => formatTooltipValue(v, tickKind(kind))
  const reported = points.filter((p) => p.value !== null)
  const parts: string[] = [`Control chart of ${props.title.toLowerCase()}, ${points.length} months.`]
  const segments = [...new Set(points.map((p) => p.segment))]
  for (const segment of segments) {
    const first = points.find((p) => p.segment === segment)!
    const last = [...points].reverse().find((p) => p.segment === segment)!
    const from =
      segments.length > 1 ? ` from ${formatPeriodTick(first.period)} to ${formatPeriodTick(last.period)}` : ''
    if (first.lowerLimit === null || first.upperLimit === null) {
      parts.push(`Mean${from} ${format(first.mean)}; too few points for process limits.`)
    } else {
      parts.push(
        `Mean${from} ${format(first.mean)}, process limits ${format(first.lowerLimit)} to ${format(first.upperLimit)}.`,
      )
    }
  }
  const special = reported.filter((p) => p.pointType.startsWith('special_cause'))
  parts.push(
    special.length === 0
      ? 'No special cause variation.'
      : `Special cause variation in ${special.length} ${special.length === 1 ? 'month' : 'months'}: ${special
          .map(
            (p) =>
              `${formatPeriodTick(p.period)} (${SPC_POINT_STYLES[p.pointType].label.replace('Special cause: ', '')})`,
          )
          .join(', ')}.`,
  )
  const hidden = points.filter((p) => p.pointType === 'hidden')
  if (hidden.length > 0) {
    parts.push(
      `${hidden.length} ${hidden.length === 1 ? 'month is' : 'months are'} hidden by disclosure control (c) and left out of the mean and limits: ${hidden
        .map((p) => formatPeriodTick(p.period))
        .join(', ')}.`,
    )
  }
  if (props.target) parts.push(`${props.target.label}: ${format(props.target.value)}.`)
  if (props.annotations?.length)
    parts.push(
      `${props.annotations.length} ${props.annotations.length === 1 ? 'event is' : 'events are'} marked; they are listed after the chart.`,
    )
  return parts.join(' ')
}

export function SpcChart({
  id,
  title,
  kind,
  points,
  target = null,
  annotations = [],
  tooFewPointsText = null,
  width = 760,
  height = 340,
}: SpcChartProps) {
  const { x, y, ticks, plotWidth, plotHeight } = spcScales(points, { width, height, kind, target: target?.value })
  const titleId = `${id}-title`
  const descId = `${id}-desc`
  const eventsId = `${id}-events`
  const indexOf = new Map(points.map((p, i) => [p.period, i]))
  const every = labelEvery(points.length, plotWidth)
  const segments = [...new Set(points.map((p) => p.segment))].map((segment) => {
    const indices = points.flatMap((p, i) => (p.segment === segment ? [i] : []))
    const first = points[indices[0]!]!
    return {
      segment,
      from: indices[0]!,
      to: indices[indices.length - 1]!,
      mean: first.mean,
      lower: first.lowerLimit,
      upper: first.upperLimit,
      rebased: first.rebased,
    }
  })
  // The line joins reported months; a month not reported leaves a gap.
  const runs: Array<Array<{ x: number; y: number }>> = []
  let current: Array<{ x: number; y: number }> = []
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) runs.push(current)
      current = []
      return
    }
    current.push({ x: x(i), y: y(p.value) })
  })
  if (current.length) runs.push(current)
  // Events numbered in date order, on the chart and in the list under it.
  const events = [...annotations].sort((a, b) => a.period.localeCompare(b.period))
  const markers = events
    .map((a, n) => ({ ...a, n: n + 1, index: indexOf.get(a.period) }))
    .filter((a): a is typeof a & { index: number } => a.index !== undefined)
  const half = points.length > 1 ? plotWidth / (points.length - 1) / 2 : plotWidth / 2
  // Labels to the right of the plot: the last segment's limits and mean, and the standard,
  // top to bottom, nudged down so no two are closer than 14px.
  const last = segments[segments.length - 1]
  const rightLabels = [
    last && last.upper !== null
      ? { key: 'upper', text: `Upper limit ${formatTick(last.upper, tickKind(kind))}`, value: last.upper }
      : null,
    last && last.mean !== null
      ? { key: 'mean', text: `Mean ${formatTick(last.mean, tickKind(kind))}`, value: last.mean }
      : null,
    last && last.lower !== null
      ? { key: 'lower', text: `Lower limit ${formatTick(last.lower, tickKind(kind))}`, value: last.lower }
      : null,
    target ? { key: 'target', text: '', value: target.value } : null,
  ]
    .filter((l): l is NonNullable<typeof l> => l !== null)
    .sort((a, b) => b.value - a.value)
    .reduce<Array<{ key: string; text: string; at: number }>>((placed, l) => {
      const previous = placed[placed.length - 1]?.at ?? -Infinity
      return [...placed, { key: l.key, text: l.text, at: Math.max(y(l.value), previous + 14) }]
    }, [])
  const used = new Set(points.map((p) => p.pointType))

  return (
    <figure className="app-plot" data-chart={id}>
      <svg
        className={PLOT_SVG_CLASS}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="group"
        aria-labelledby={titleId}
        aria-describedby={descId}
        style={{ maxWidth: width }}
      >
        <title id={titleId}>{`Control chart: ${title}`}</title>
        <desc id={descId}>{describeSpcChart({ title, kind, points, target, annotations })}</desc>
        <g aria-hidden="true">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(t)} y2={y(t)} stroke={GRID_COLOUR} />
              <text x={MARGIN.left - 8} y={y(t)} dy="0.32em" textAnchor="end" fontSize={12} fill={TEXT_COLOUR}>
                {formatTick(t, tickKind(kind))}
              </text>
            </g>
          ))}
          <line
            x1={MARGIN.left}
            x2={MARGIN.left + plotWidth}
            y1={MARGIN.top + plotHeight}
            y2={MARGIN.top + plotHeight}
            stroke={AXIS_COLOUR}
          />
          {points.map((p, i) =>
            i % every === 0 || i === points.length - 1 ? (
              <text
                key={p.period}
                x={x(i)}
                y={MARGIN.top + plotHeight + 18}
                textAnchor="middle"
                fontSize={12}
                fill={TEXT_COLOUR}
              >
                {formatPeriodTick(p.period)}
              </text>
            ) : null,
          )}
          {segments.map((s) => {
            const x1 = s.from === s.to ? x(s.from) - half : x(s.from)
            const x2 = s.from === s.to ? x(s.to) + half : x(s.to)
            return (
              <g key={s.segment} data-segment={s.segment}>
                {s.rebased ? (
                  <>
                    <line
                      x1={x(s.from) - half}
                      x2={x(s.from) - half}
                      y1={MARGIN.top}
                      y2={MARGIN.top + plotHeight}
                      stroke={ANNOTATION_COLOUR}
                      strokeDasharray="2 2"
                    />
                    <text x={x(s.from) - half + 4} y={MARGIN.top + plotHeight - 6} fontSize={11} fill={TEXT_COLOUR}>
                      Rebased
                    </text>
                  </>
                ) : null}
                {s.mean !== null ? (
                  <line
                    x1={x1}
                    x2={x2}
                    y1={y(s.mean)}
                    y2={y(s.mean)}
                    stroke={SPC_MEAN_COLOUR}
                    strokeWidth={1.5}
                    data-line="mean"
                  />
                ) : null}
                {s.upper !== null ? (
                  <line
                    x1={x1}
                    x2={x2}
                    y1={y(s.upper)}
                    y2={y(s.upper)}
                    stroke={SPC_LIMIT_COLOUR}
                    strokeWidth={1.5}
                    strokeDasharray={SPC_LIMIT_DASH}
                    data-line="upper-limit"
                  />
                ) : null}
                {s.lower !== null ? (
                  <line
                    x1={x1}
                    x2={x2}
                    y1={y(s.lower)}
                    y2={y(s.lower)}
                    stroke={SPC_LIMIT_COLOUR}
                    strokeWidth={1.5}
                    strokeDasharray={SPC_LIMIT_DASH}
                    data-line="lower-limit"
                  />
                ) : null}
              </g>
            )
          })}
          {rightLabels
            .filter((l) => l.key !== 'target')
            .map((l) => (
              <text key={l.key} x={MARGIN.left + plotWidth + 6} y={l.at} dy="0.32em" fontSize={11} fill={TEXT_COLOUR}>
                {l.text}
              </text>
            ))}
          {target ? (
            <g data-line="target">
              <line
                x1={MARGIN.left}
                x2={MARGIN.left + plotWidth}
                y1={y(target.value)}
                y2={y(target.value)}
                stroke={SPC_TARGET_COLOUR}
                strokeWidth={2}
                strokeDasharray={SPC_TARGET_DASH}
              />
              <text
                x={MARGIN.left + plotWidth + 6}
                y={rightLabels.find((l) => l.key === 'target')!.at}
                dy="0.32em"
                fontSize={11}
                fontWeight={700}
                fill={SPC_TARGET_COLOUR}
              >
                {`${target.label} ${formatTick(target.value, tickKind(kind))}`}
              </text>
            </g>
          ) : null}
          {runs.map((run, i) => (
            <polyline
              key={i}
              points={run.map((p) => `${p.x},${p.y}`).join(' ')}
              fill="none"
              stroke={SPC_POINT_STYLES.common_cause.colour}
              strokeWidth={1.5}
            />
          ))}
          {points.map((p, i) =>
            p.pointType === 'hidden' ? (
              <text
                key={`c${p.period}`}
                x={x(i)}
                y={MARGIN.top + plotHeight - 6}
                textAnchor="middle"
                fontSize={12}
                fontWeight={700}
                fill={TEXT_COLOUR}
              >
                c
              </text>
            ) : null,
          )}
          {points.map((p, i) => {
            if (p.value === null) return null
            const style = SPC_POINT_STYLES[p.pointType]
            const special = p.pointType.startsWith('special_cause')
            return (
              <path
                key={p.period}
                d={markPath(style.shape, x(i), y(p.value), special ? 11 : 7)}
                fill={style.filled ? style.colour : '#ffffff'}
                stroke={style.filled ? '#ffffff' : style.colour}
                strokeWidth={style.filled ? 1 : 1.5}
                data-point-type={p.pointType}
              />
            )
          })}
          {tooFewPointsText ? (
            <text x={MARGIN.left + 8} y={MARGIN.top - 12} fontSize={12} fill={TEXT_COLOUR}>
              {tooFewPointsText}
            </text>
          ) : null}
        </g>
        {markers.map((m) => {
          const mx = x(m.index)
          return (
            <a
              key={`${m.n}`}
              href={`#${eventsId}-${m.n}`}
              aria-label={`Event ${m.n}, ${m.dateLabel}: ${m.text}`}
              className="app-plot__marker"
            >
              <line
                x1={mx}
                x2={mx}
                y1={MARGIN.top - 6}
                y2={MARGIN.top + plotHeight}
                stroke={ANNOTATION_COLOUR}
                strokeWidth={1}
                strokeDasharray="1 3"
              />
              <circle cx={mx} cy={MARGIN.top - 16} r={10} fill="#ffffff" stroke={ANNOTATION_COLOUR} strokeWidth={1.5} />
              <text
                x={mx}
                y={MARGIN.top - 16}
                dy="0.35em"
                textAnchor="middle"
                fontSize={12}
                fontWeight={700}
                fill={TEXT_COLOUR}
              >
                {m.n}
              </text>
            </a>
          )
        })}
      </svg>
      <figcaption>
        <SpcKey
          types={[...used]}
          hasTarget={target !== null}
          hasLimits={points.some((p) => p.upperLimit !== null)}
          hasEvents={markers.length > 0}
        />
        {events.length > 0 ? (
          <>
            <p className="app-plot__events-title" id={`${eventsId}-title`}>
              Events on this chart
            </p>
            <ol className="app-plot__events" aria-labelledby={`${eventsId}-title`}>
              {events.map((a, i) => (
                <li key={i} id={`${eventsId}-${i + 1}`} tabIndex={-1}>
                  <strong>{a.dateLabel}</strong>
                  {a.scope ? ` (${a.scope})` : ''}: {sentence(a.text)}
                  {a.rebase ? ' The limits are recalculated from the first whole month after it.' : ''}
                  {indexOf.has(a.period) ? '' : ' Outside the months shown.'}
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </figcaption>
    </figure>
  )
}

/** Text as a sentence: with a full stop unless it ends with one already. */
function sentence(text: string) {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`
}

/** The key of a control chart: each point type shown (shape and colour), the lines, the markers. */
export function SpcKey({
  types,
  hasTarget,
  hasLimits,
  hasEvents,
}: {
  types: ReadonlyArray<keyof typeof SPC_POINT_STYLES>
  hasTarget: boolean
  hasLimits: boolean
  hasEvents: boolean
}) {
  const order = Object.keys(SPC_POINT_STYLES) as Array<keyof typeof SPC_POINT_STYLES>
  return (
    <ul className="app-legend" aria-label="Key">
      {order
        .filter((t) => types.includes(t) && t !== 'not_reported')
        .map((t) => {
          const style = SPC_POINT_STYLES[t]
          if (t === 'hidden') {
            return (
              <li key={t}>
                <svg width={16} height={16} aria-hidden="true" focusable="false" className="app-legend__swatch">
                  <text x={8} y={8} dy="0.35em" textAnchor="middle" fontSize={12} fontWeight={700} fill={TEXT_COLOUR}>
                    c
                  </text>
                </svg>
                Hidden by disclosure control
              </li>
            )
          }
          return (
            <li key={t}>
              <MarkSwatch style={style} />
              {style.label}
            </li>
          )
        })}
      <li>
        <LineSwatch colour={SPC_MEAN_COLOUR} />
        Mean
      </li>
      {hasLimits ? (
        <li>
          <LineSwatch colour={SPC_LIMIT_COLOUR} dash={SPC_LIMIT_DASH} />
          Process limits
        </li>
      ) : null}
      {hasTarget ? (
        <li>
          <LineSwatch colour={SPC_TARGET_COLOUR} dash={SPC_TARGET_DASH} width={2} />
          Standard
        </li>
      ) : null}
      {hasEvents ? (
        <li>
          <svg width={22} height={22} aria-hidden="true" focusable="false" className="app-legend__swatch">
            <circle cx={11} cy={11} r={9} fill="#ffffff" stroke={ANNOTATION_COLOUR} strokeWidth={1.5} />
            <text x={11} y={11} dy="0.35em" textAnchor="middle" fontSize={11} fontWeight={700} fill={TEXT_COLOUR}>
              1
            </text>
          </svg>
          Event (listed below)
        </li>
      ) : null}
    </ul>
  )
}

export function LineSwatch({ colour, dash, width = 1.5 }: { colour: string; dash?: string; width?: number }) {
  return (
    <svg width={28} height={12} aria-hidden="true" focusable="false" className="app-legend__swatch">
      <line x1={1} x2={27} y1={6} y2={6} stroke={colour} strokeWidth={width} strokeDasharray={dash} />
    </svg>
  )
}

/** The legend's sample of a mark: its shape, filled or hollow, in its colour. */
export function MarkSwatch({ style }: { style: MarkStyle }) {
  return (
    <svg width={16} height={16} aria-hidden="true" focusable="false" className="app-legend__swatch">
      <path
        d={markPath(style.shape, 8, 8, 11)}
        fill={style.filled ? style.colour : '#ffffff'}
        stroke={style.filled ? '#ffffff' : style.colour}
        strokeWidth={1.5}
      />
    </svg>
  )
}

export default SpcChart
