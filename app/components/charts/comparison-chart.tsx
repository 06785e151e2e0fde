// Boards (or services) side by side: one horizontal bar each, labelled, with a reference line
// (the national figure) and, where one is chosen, the highlighted board in another colour and
// pattern with "(selected)" in its label.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell as BarCell,
  LabelList,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { Cell, CellKind } from '#app/domain/figure.ts'
import {
  AXIS_COLOUR,
  comparisonChartHeight,
  formatTick,
  formatTooltipValue,
  GRID_COLOUR,
  HIGHLIGHT_COLOUR,
  LEGEND_HEIGHT,
  patternId,
  REFERENCE_COLOUR,
  seriesStyle,
  TEXT_COLOUR,
} from './chart-config.ts'
import { ChartPatterns, LegendSwatch } from './chart-patterns.tsx'

export interface ComparisonChartProps {
  id: string
  data: Array<Record<string, Cell>>
  categoryKey: string
  valueKey: string
  valueLabel: string
  axisLabel: string
  kind: CellKind
  reference?: { value: number; label: string }
  /** Category to highlight. */
  highlight?: string
  domain?: [number, number]
  /** Room per bar (more for long, wrapping labels) and for the labels themselves. */
  barHeight?: number
  labelWidth?: number
}

export default function ComparisonChart({
  id,
  data,
  categoryKey,
  valueKey,
  valueLabel,
  axisLabel,
  kind,
  reference,
  highlight,
  domain,
  barHeight,
  labelWidth = 200,
}: ComparisonChartProps) {
  const base = seriesStyle(0)
  const rows: Array<Record<string, Cell>> = data.map((row) => ({
    ...row,
    __label: row[categoryKey] === highlight ? `${String(row[categoryKey])} (selected)` : String(row[categoryKey]),
  }))
  return (
    <div>
      <ul className="app-legend" aria-label="Key">
        <li>
          <LegendSwatch chartId={id} type="bar" colour={base.colour} pattern="solid" />
          {valueLabel}
        </li>
        {highlight ? (
          <li>
            <LegendSwatch chartId={id} type="bar" colour={HIGHLIGHT_COLOUR} pattern="hatch" />
            {highlight} (selected)
          </li>
        ) : null}
        {reference ? (
          <li>
            <LegendSwatch chartId={id} type="reference" colour={REFERENCE_COLOUR} dash="6 3" pattern="solid" />
            {reference.label}
          </li>
        ) : null}
      </ul>
      <BarChart
        responsive
        layout="vertical"
        style={{ width: '100%', height: comparisonChartHeight(data.length, barHeight) - LEGEND_HEIGHT }}
        data={rows}
        margin={{ top: 24, right: 72, bottom: 40, left: 8 }}
        accessibilityLayer
      >
        <ChartPatterns chartId={id} colours={[base.colour, HIGHLIGHT_COLOUR]} />
        <CartesianGrid stroke={GRID_COLOUR} horizontal={false} />
        <XAxis
          type="number"
          stroke={AXIS_COLOUR}
          tick={{ fill: TEXT_COLOUR, fontSize: 13 }}
          tickFormatter={(v: number) => formatTick(v, kind)}
          domain={domain ?? (kind === 'percent' ? [0, 1] : [0, 'auto'])}
          label={{ value: axisLabel, position: 'insideBottom', offset: -28, fill: TEXT_COLOUR, fontSize: 14 }}
        />
        <YAxis
          type="category"
          dataKey="__label"
          stroke={AXIS_COLOUR}
          tick={{ fill: TEXT_COLOUR, fontSize: 13 }}
          width={labelWidth}
          interval={0}
        />
        <Tooltip
          formatter={(value) => [formatTooltipValue(value, kind), valueLabel]}
          contentStyle={{ borderColor: AXIS_COLOUR, color: TEXT_COLOUR }}
        />
        <Bar dataKey={valueKey} name={valueLabel} isAnimationActive={false} stroke={base.colour}>
          {rows.map((row) => {
            const selected = row[categoryKey] === highlight
            const colour = selected ? HIGHLIGHT_COLOUR : base.colour
            return (
              <BarCell
                key={String(row[categoryKey])}
                fill={`url(#${patternId(id, selected ? 'hatch' : 'solid', colour)})`}
                stroke={colour}
              />
            )
          })}
          <LabelList
            dataKey={valueKey}
            position="right"
            fill={TEXT_COLOUR}
            fontSize={12}
            formatter={(value: unknown) => formatTooltipValue(value, kind)}
          />
        </Bar>
        {reference ? (
          <ReferenceLine
            x={reference.value}
            stroke={REFERENCE_COLOUR}
            strokeWidth={2}
            strokeDasharray="6 3"
            label={{ value: reference.label, position: 'top', fill: TEXT_COLOUR, fontSize: 13 }}
          />
        ) : null}
      </BarChart>
    </div>
  )
}
