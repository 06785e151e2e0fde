// A trend over months, quarters or years: bars and/or lines on one or two labelled axes, with
// the national standard or a reference as a line named in the key, gaps where nothing was
// reported ("no returns") or small numbers are hidden ("hidden"), a tooltip and a key that shows
// each series' line style or pattern.
import { Bar, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import type { Cell, TrendAxis, TrendChartSpec, TrendReference, TrendSeries } from '#app/domain/figure.ts'
import {
  AXIS_COLOUR,
  CHART_HEIGHT,
  CHART_MARGIN,
  formatTick,
  formatTooltipValue,
  GRID_COLOUR,
  LEGEND_HEIGHT,
  niceMax,
  patternId,
  REFERENCE_COLOUR,
  seriesStyle,
  STANDARD_COLOUR,
  TEXT_COLOUR,
} from './chart-config.ts'
import { ChartPatterns, LegendSwatch } from './chart-patterns.tsx'

export type { TrendAxis, TrendReference, TrendSeries }

export interface TrendChartProps extends Omit<TrendChartSpec, 'type'> {
  id: string
  data: Array<Record<string, Cell>>
  height?: number
}

export default function TrendChart({
  id,
  data,
  xKey,
  xLabel,
  series,
  left,
  right,
  references = [],
  height = CHART_HEIGHT,
}: TrendChartProps) {
  // Periods with nothing to draw: no returns, small numbers hidden (disclosure control), or the
  // figure's own reason (`__gap`, e.g. a year not yet complete).
  const gaps = data
    .filter((row) => series.every((s) => row[s.key] === null || row[s.key] === undefined))
    .map((row) => ({
      x: String(row[xKey]),
      label: typeof row.__gap === 'string' ? row.__gap : row.__hidden ? 'hidden' : 'no returns',
    }))
  const kindOf = (s: TrendSeries) => (s.axis === 'right' && right ? right.kind : left.kind)
  const labelOf = new Map(series.map((s) => [s.key, s.label]))
  const kindBy = new Map(series.map((s) => [s.key, kindOf(s)]))
  const colours = [...new Set(series.map((s) => seriesStyle(s.style).colour))]
  const domainOf = (axis: TrendAxis) => {
    if (axis.domain) return axis.domain
    if (axis.kind === 'percent') return [0, 1] as [number, number]
    const headroom = axis.headroom
    return headroom ? ([0, (max: number) => niceMax(max * headroom)] as [number, (max: number) => number]) : undefined
  }
  return (
    <div className="app-trend-chart">
      <ul className="app-legend" aria-label="Key">
        {series.map((s) => {
          const style = seriesStyle(s.style)
          return (
            <li key={s.key}>
              <LegendSwatch
                chartId={id}
                type={s.type}
                colour={style.colour}
                dash={style.dash}
                pattern={style.pattern}
              />
              {s.label}
              {right ? <span className="visually-hidden"> ({s.axis === 'right' ? 'right' : 'left'} axis)</span> : null}
            </li>
          )
        })}
        {references.map((r) => (
          <li key={r.label}>
            <LegendSwatch
              chartId={id}
              type="reference"
              colour={r.kind === 'standard' ? STANDARD_COLOUR : REFERENCE_COLOUR}
              dash={r.kind === 'standard' ? '6 4' : '2 3'}
              pattern="solid"
            />
            {r.label}
          </li>
        ))}
      </ul>
      <ComposedChart
        responsive
        style={{ width: '100%', height: height - LEGEND_HEIGHT }}
        data={data}
        margin={{ ...CHART_MARGIN, right: right ? 24 : CHART_MARGIN.right }}
        accessibilityLayer
      >
        <ChartPatterns chartId={id} colours={colours} />
        <CartesianGrid stroke={GRID_COLOUR} vertical={false} />
        <XAxis
          dataKey={xKey}
          stroke={AXIS_COLOUR}
          tick={{ fill: TEXT_COLOUR, fontSize: 13 }}
          interval="preserveStartEnd"
          minTickGap={12}
          label={{ value: xLabel, position: 'insideBottom', offset: -32, fill: TEXT_COLOUR, fontSize: 14 }}
        />
        <YAxis
          yAxisId="left"
          stroke={AXIS_COLOUR}
          tick={{ fill: TEXT_COLOUR, fontSize: 13 }}
          tickFormatter={(v: number) => formatTick(v, left.kind)}
          allowDecimals={left.kind !== 'count'}
          domain={domainOf(left)}
          width={72}
          label={{
            value: left.label,
            angle: -90,
            position: 'insideLeft',
            offset: 4,
            fill: TEXT_COLOUR,
            fontSize: 14,
            style: { textAnchor: 'middle' },
          }}
        />
        {right ? (
          <YAxis
            yAxisId="right"
            orientation="right"
            stroke={AXIS_COLOUR}
            tick={{ fill: TEXT_COLOUR, fontSize: 13 }}
            tickFormatter={(v: number) => formatTick(v, right.kind)}
            allowDecimals={right.kind !== 'count'}
            domain={domainOf(right)}
            width={72}
            label={{
              value: right.label,
              angle: 90,
              position: 'insideRight',
              offset: 4,
              fill: TEXT_COLOUR,
              fontSize: 14,
              style: { textAnchor: 'middle' },
            }}
          />
        ) : null}
        <Tooltip
          formatter={(value, name) => [
            formatTooltipValue(value, kindBy.get(String(name)) ?? left.kind),
            labelOf.get(String(name)) ?? String(name),
          ]}
          contentStyle={{ borderColor: AXIS_COLOUR, color: TEXT_COLOUR }}
        />
        {gaps.map(({ x, label }) => (
          <ReferenceLine
            key={`gap-${x}`}
            x={x}
            yAxisId="left"
            stroke={AXIS_COLOUR}
            strokeDasharray="1 3"
            label={{ value: label, angle: -90, position: 'center', fill: TEXT_COLOUR, fontSize: 12 }}
          />
        ))}
        {series.map((s) => {
          const style = seriesStyle(s.style)
          const axis = s.axis === 'right' && right ? 'right' : 'left'
          return s.type === 'bar' ? (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.key}
              yAxisId={axis}
              stackId={s.stack}
              fill={`url(#${patternId(id, style.pattern, style.colour)})`}
              stroke={style.colour}
              isAnimationActive={false}
            />
          ) : (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.key}
              yAxisId={axis}
              type="linear"
              stroke={style.colour}
              strokeWidth={3}
              strokeDasharray={style.dash}
              dot={{ r: 3, fill: style.colour, stroke: style.colour }}
              connectNulls={false}
              isAnimationActive={false}
            />
          )
        })}
        {references.map((r) => (
          <ReferenceLine
            key={r.label}
            y={r.y}
            yAxisId={r.axis === 'right' && right ? 'right' : 'left'}
            stroke={r.kind === 'standard' ? STANDARD_COLOUR : REFERENCE_COLOUR}
            strokeWidth={2}
            strokeDasharray={r.kind === 'standard' ? '6 4' : '2 3'}
            // Named in the key above the chart: a label on the line would sit on the data.
          />
        ))}
      </ComposedChart>
    </div>
  )
}
