import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { DataTable } from '#app/components/ui/data-table.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { AssuranceIcon, SpcIconKey, VariationIcon } from '#app/components/ui/spc-icons.tsx'
import { getMonthlyReport } from '#app/dashboards/cache.server.ts'
import { listReturnQueries, UNRESOLVED_STATUSES } from '#app/models/queries.server.ts'
import { QUERY_STATUS_LABELS } from '#app/domain/labels.ts'
import { can } from '#app/utils/permissions.ts'
import { figureCsvHref } from '#app/dashboards/filters.ts'
import { requireReportViews } from '#app/dashboards/report/request.server.ts'
import { REPORT_RULES, type ReportSentence } from '#app/dashboards/report/sentences.ts'
import { formatCount, formatPercent } from '#app/domain/format.ts'
import { SPC_ASSURANCE_LABELS, SPC_VARIATION_LABELS } from '#app/statistics/spc.ts'
import { FUNNEL_FLAG_LABELS } from '#app/statistics/funnels.ts'
import { formatDateTime } from '#app/utils/dates.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Monthly report, ${data.report.monthLabel}${data.report.board ? `, ${data.report.board.name}` : ''} - Digital Therapies Programme Dashboard`
      : 'Monthly report - Digital Therapies Programme Dashboard',
  },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, view, asAt } = await requireReportViews(request, params.month)
  const board = view.board ? { orgUnitId: view.board.id } : undefined
  const [report, queries] = await Promise.all([
    getMonthlyReport(view),
    // Queries follow the returns: those the reader may see, as they stand now (not as at).
    can.viewQueries(user, board)
      ? listReturnQueries({ actor: user, ...board, month: view.period.to, statuses: UNRESOLVED_STATUSES })
      : null,
  ])
  const url = new URL(request.url)
  // The address that gives these figures again, whatever is saved later.
  const permanent = new URLSearchParams()
  if (view.board) permanent.set('board', view.board.code)
  if (view.sdcThreshold !== null) permanent.set('sdc', 'on')
  permanent.set('asAt', asAt)
  return json({
    view,
    report,
    queries,
    asAt,
    permalink: `${url.origin}${url.pathname}?${permanent}`,
  })
}

function Sentences({ items }: { items: ReportSentence[] }) {
  return (
    <ul className="app-report__sentences">
      {items.map((s) => (
        <li key={s.text}>
          {s.text}{' '}
          <span className="app-report__basis">
            (Figure: {s.figure}. Compared with: {s.comparison}.)
          </span>
        </li>
      ))}
    </ul>
  )
}

export default function MonthlyReport() {
  const { view, report, queries, asAt, permalink } = useLoaderData<typeof loader>()
  const where = report.board?.name ?? 'Scotland'
  const asAtText = formatDateTime(asAt)
  const csv = (id: string) =>
    `${figureCsvHref(id, view.filters, view.period, { board: report.board?.code })}&asAt=${encodeURIComponent(asAt)}`
  return (
    <>
      <Breadcrumbs
        items={[
          report.board
            ? { to: `/boards/${report.board.code}`, label: report.board.name }
            : { to: '/', label: 'National overview' },
        ]}
      />
      <PageHeader label="Monthly report" title={`${where}: ${report.monthLabel}`}>
        <p>
          What the national digital therapy services delivered in {where} in {report.monthLabel}, judged against the
          usual range of each figure and against Scotland&apos;s other boards.
        </p>
      </PageHeader>

      <div className="ds_inset-text app-report__as-at">
        <div className="ds_inset-text__text">
          <p>
            <strong>Figures as at {asAtText}.</strong> Figures saved later do not change this report at this address:{' '}
            <a href={permalink}>{permalink}</a>
          </p>
          <p className="app-no-print">
            Print this page, or save it as a PDF from your browser&apos;s print dialogue, for an A4 document.
            {report.board ? (
              <>
                {' '}
                <Link to={`/reports/${report.month}`}>The national report for {report.monthLabel}</Link>.
              </>
            ) : null}
          </p>
        </div>
      </div>

      <section aria-labelledby="summary" className="app-report__section">
        <h2 id="summary" className="ds_h2">
          Summary
        </h2>
        <Sentences items={[...report.sentences.returns, ...report.sentences.headlines]} />
      </section>

      <section aria-labelledby="headlines" className="app-report__section">
        <h2 id="headlines" className="ds_h2">
          Headline figures for {report.monthLabel}
        </h2>
        <DataTable
          caption={`Headline figures for ${where}, ${report.monthLabel}, with their variation and assurance`}
          rowHeader
          rowKey={(h) => h.name}
          rows={report.headlines}
          columns={[
            { header: 'Figure', cell: (h) => `${h.label} (${h.unit})` },
            {
              header: report.monthLabel,
              numeric: true,
              cell: (h) => (h.hidden ? 'c' : h.kind === 'proportion' ? formatPercent(h.value) : formatCount(h.value)),
            },
            {
              header: 'A year earlier',
              numeric: true,
              cell: (h) => (h.kind === 'proportion' ? formatPercent(h.yearEarlier) : formatCount(h.yearEarlier)),
            },
            { header: 'Standard', numeric: true, cell: (h) => (h.standard === null ? '' : formatPercent(h.standard)) },
            {
              header: 'Variation',
              cell: (h) =>
                h.variation ? (
                  <span className="app-report__signal">
                    {/* The words beside it say what the icon shows. */}
                    <span aria-hidden="true">
                      <VariationIcon variation={h.variation} size={28} />
                    </span>
                    {SPC_VARIATION_LABELS[h.variation]}
                  </span>
                ) : h.tooFewPoints ? (
                  'too few months to judge'
                ) : (
                  'not judged'
                ),
            },
            {
              header: 'Assurance',
              cell: (h) =>
                h.assurance ? (
                  <span className="app-report__signal">
                    <span aria-hidden="true">
                      <AssuranceIcon assurance={h.assurance} size={28} />
                    </span>
                    {SPC_ASSURANCE_LABELS[h.assurance]}
                  </span>
                ) : (
                  ''
                ),
            },
          ]}
        />
        <SpcIconKey />
      </section>

      <section aria-labelledby="variation" className="app-report__section">
        <h2 id="variation" className="ds_h2">
          {report.board ? `${report.board.name} against Scotland` : 'Boards that differ from Scotland'}
        </h2>
        <Sentences items={report.sentences.variation} />
        {report.board ? null : (
          <DataTable
            caption="Boards outside the funnel limits, by indicator"
            rowKey={(f) => f.indicator}
            rowHeader
            rows={report.funnels}
            columns={[
              { header: 'Indicator', cell: (f) => f.label },
              { header: 'Boards judged', numeric: true, cell: (f) => f.judged },
              {
                header: 'Outside the limits',
                cell: (f) =>
                  f.outside.length === 0
                    ? 'none'
                    : f.outside.map((o) => `${o.name} (${FUNNEL_FLAG_LABELS[o.flag]})`).join('; '),
              },
            ]}
          />
        )}
        <p className="app-no-print">
          <Link to={`/variation?from=${report.periods.funnels.from}&to=${report.periods.funnels.to}`}>
            See the funnel plots of these indicators
          </Link>
        </p>
      </section>

      <section aria-labelledby="events" className="app-report__section">
        <h2 id="events" className="ds_h2">
          Events in {report.monthLabel}
        </h2>
        {report.events.length === 0 ? (
          <p>No events were recorded for {report.monthLabel}.</p>
        ) : (
          <ul>
            {report.events.map((e) => (
              <li key={`${e.dateLabel}-${e.text}`}>
                {e.dateLabel} ({e.scope}): {e.text}
              </li>
            ))}
          </ul>
        )}
      </section>

      {queries ? (
        <section aria-labelledby="queries" className="app-report__section">
          <h2 id="queries" className="ds_h2">
            Data queries not yet closed
          </h2>
          {queries.length === 0 ? (
            <p>
              No data query on {report.board ? `${report.board.name}'s` : 'a'} return for {report.monthLabel} is open or
              waiting to be closed.
            </p>
          ) : (
            <DataTable
              caption={`Data queries on returns for ${report.monthLabel} not yet closed, as they stand now`}
              rowKey={(q) => q.id}
              rows={queries}
              columns={[
                { header: 'Board', cell: (q) => q.boardName },
                {
                  header: 'About',
                  cell: (q) => (q.figure ? `${q.figure.serviceName}: ${q.figure.label}` : 'The whole return'),
                },
                { header: 'Status', cell: (q) => QUERY_STATUS_LABELS[q.status].text },
                { header: 'Question', cell: (q) => q.messages.find((m) => m.kind === 'question')?.body ?? '' },
                {
                  header: 'Latest answer',
                  cell: (q) => q.messages.filter((m) => m.kind === 'answer').at(-1)?.body ?? 'none yet',
                },
              ]}
            />
          )}
          <p className="app-no-print">
            <Link to={`/queries?month=${report.month}${report.board ? `&board=${report.board.code}` : ''}`}>
              All queries on these returns
            </Link>
          </p>
        </section>
      ) : null}

      <section aria-labelledby="charts" className="app-report__section">
        <h2 id="charts" className="ds_h2">
          Control charts
        </h2>
        {report.charts.map((figure) => (
          <FigureBlock
            key={figure.id}
            figure={figure}
            csvHref={csv(figure.id)}
            chart={chartFor(figure)?.render}
            chartHeight={chartFor(figure)?.height}
            headingLevel={3}
            tableOpen
          />
        ))}
      </section>

      <section aria-labelledby="rules" className="app-report__section">
        <h2 id="rules" className="ds_h2">
          How the sentences are written
        </h2>
        <ul>
          {REPORT_RULES.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      </section>
    </>
  )
}
