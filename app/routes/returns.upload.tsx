import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  type MetaFunction,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { ErrorSummary, SubmitButton } from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { ReturnStatusTag } from '#app/components/returns/return-status-tag.tsx'
import { commitUpload, previewUpload, UploadCommitError } from '#app/models/uploads.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatMonth } from '#app/utils/dates.ts'
import { formatCount } from '#app/domain/format.ts'
import {
  MAX_UPLOAD_BYTES,
  parseUploadFile,
  type UploadProblem,
  UploadRejected,
} from '#app/returns/upload-parse.server.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [{ title: 'Upload figures - Digital Therapies Programme Dashboard' }]

const mayUpload = (actor: { role: string }) => actor.role !== 'analyst'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, mayUpload, 'Analysts do not enter figures.')
  return json({ maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024 })
}

type ActionData =
  | { stage: 'problems'; fileName: string; problems: UploadProblem[]; notes: string[] }
  | {
      stage: 'preview'
      fileName: string
      uploadId: string
      notes: string[]
      warnings: UploadProblem[]
      summary: Awaited<ReturnType<typeof previewUpload>>['summary']
      rows: number
    }

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, mayUpload, 'Analysts do not enter figures.')
  if (!request.headers.get('content-type')?.startsWith('multipart/form-data')) {
    const form = await request.formData()
    const uploadId = String(form.get('uploadId') ?? '')
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uploadId)) {
      return fileProblem('Choose a file to upload first')
    }
    try {
      const { changedFigures } = await commitUpload({
        actor: user,
        uploadId,
        reason: String(form.get('reason') ?? '') || null,
        ip: context.clientIp,
      })
      return redirect(`/returns/upload?done=committed&figures=${changedFigures}`)
    } catch (error) {
      if (error instanceof UploadCommitError || error instanceof UploadRejected) {
        return json<ActionData>(
          { stage: 'problems', fileName: '', problems: error.problems, notes: [] },
          { status: 400 },
        )
      }
      throw error
    }
  }

  // The size is checked before anything is parsed: first as declared, then as it streams in.
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > MAX_UPLOAD_BYTES + 64 * 1024) return tooLarge()
  let formData: FormData
  try {
    formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }),
    )
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooLarge()
    throw error
  }
  const file = formData.get('file')
  if (!(file instanceof File) || file.size === 0) {
    return fileProblem('Choose a CSV or XLSX file to upload')
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  try {
    const { rows } = await parseUploadFile(bytes)
    const result = await previewUpload({ actor: user, fileName: file.name, bytes, rows })
    if (!result.uploadId) {
      return json<ActionData>(
        { stage: 'problems', fileName: file.name, problems: result.problems, notes: result.notes },
        { status: 400 },
      )
    }
    return json<ActionData>({
      stage: 'preview',
      fileName: file.name,
      uploadId: result.uploadId,
      notes: result.notes,
      warnings: result.warnings,
      summary: result.summary,
      rows: result.figures.length,
    })
  } catch (error) {
    if (error instanceof UploadRejected) {
      return json<ActionData>(
        { stage: 'problems', fileName: file.name, problems: error.problems, notes: [] },
        { status: 400 },
      )
    }
    throw error
  }
}

/** A problem with the file as a whole (none chosen, too large), not with any of its rows. */
function fileProblem(message: string, status = 400) {
  return json<ActionData>(
    { stage: 'problems', fileName: '', problems: [{ row: 0, column: 'file', message }], notes: [] },
    { status },
  )
}

function tooLarge() {
  return fileProblem(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: split it into smaller files`, 413)
}

export default function Upload() {
  const data = useActionData<typeof action>()
  const [params] = useSearchParams()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  const problems = data?.stage === 'problems' ? data.problems : []
  return (
    <>
      <ErrorSummary
        errors={problems.slice(0, 20).map((p, i) => ({ id: i === 0 ? 'problems' : 'problems', message: describe(p) }))}
      />
      {params.get('done') === 'committed' && !data ? (
        <SuccessBanner title="Upload committed">
          <p>
            {formatCount(Number(params.get('figures') ?? 0))} figures changed. The dashboards show them now; open each
            month from <Link to="/returns">monthly returns</Link> to check and submit it.
          </p>
        </SuccessBanner>
      ) : null}
      <Breadcrumbs items={[{ to: '/returns', label: 'Monthly returns' }]} current="Upload figures" />
      <PageHeader title="Upload figures from a spreadsheet">
        <p>
          Upload a CSV or XLSX file with one figure per row. Every row is checked first: nothing is saved until you have
          seen the result and committed it, and then either every figure is saved or none is.
        </p>
      </PageHeader>

      {data?.stage === 'preview' ? (
        <Preview data={data} busy={busy} />
      ) : (
        <>
          {problems.length > 0 ? (
            <ProblemTable
              problems={problems}
              fileName={data?.stage === 'problems' ? data.fileName : ''}
              notes={data?.stage === 'problems' ? data.notes : []}
            />
          ) : null}
          <h2>The file</h2>
          <ul>
            <li>
              Columns: <code>month</code> (like 2026-10), <code>board_code</code> (like S08000024), <code>service</code>{' '}
              (like ccbt-adults), <code>measure</code> (like referrals), <code>value</code> (a whole number, or empty if
              not reported) and <code>comment</code> (optional).
            </li>
            <li>
              Breakdowns (optional): a <code>breakdown</code> column naming one category, like <code>simd=1</code> (SIMD
              quintile 1, most deprived, to 5, least deprived), <code>age=18-24</code> or <code>sex=female</code>, with{' '}
              <code>unknown</code> for people whose category is not recorded. Leave it empty on the row of the total. Give
              every category of a breakdown, with 0 where there were none: they must add up to the total.
            </li>
            <li>CSV must be UTF-8 (Excel: “CSV UTF-8”); XLSX must hold figures, not formulas. At most 20 MB.</li>
            <li>Old board codes (such as S08000018 for Fife) are accepted and read as the current code.</li>
          </ul>
          <p>
            Download a template for last month: <a href="/returns/upload/template?format=csv">CSV template</a> or{' '}
            <a href="/returns/upload/template?format=xlsx">XLSX template</a>.
          </p>
          <Form method="post" encType="multipart/form-data">
            <div className={`ds_question${problems.length ? ' ds_question--error' : ''}`}>
              <label className="ds_label" htmlFor="file">
                CSV or XLSX file
              </label>
              <input
                className="ds_file-upload__input"
                id="file"
                name="file"
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              />
            </div>
            <SubmitButton disabled={busy}>Check the file</SubmitButton>
          </Form>
        </>
      )}
    </>
  )
}

function describe(p: UploadProblem) {
  return p.row > 0 ? `Row ${p.row}, ${p.column}: ${p.message}` : p.message
}

function ProblemTable({ problems, fileName, notes }: { problems: UploadProblem[]; fileName: string; notes: string[] }) {
  return (
    <section id="problems" tabIndex={-1} aria-labelledby="problems-title">
      <h2 id="problems-title">
        {problems.length === 1 ? '1 problem' : `${formatCount(problems.length)} problems`}
        {fileName ? ` in ${fileName}` : ''}: nothing was saved
      </h2>
      <p>Correct the file and upload it again.</p>
      {notes.map((note) => (
        <p className="ds_inset-text" key={note}>
          <span className="ds_inset-text__text">{note}</span>
        </p>
      ))}
      <DataTable
        caption="Problems by row and column"
        rows={problems.slice(0, 500)}
        rowKey={(_, i) => i}
        columns={[
          { header: 'Row', cell: (p) => (p.row > 0 ? p.row : 'File') },
          { header: 'Column', cell: (p) => p.column },
          { header: 'Problem', cell: (p) => p.message },
        ]}
      />
      {problems.length > 500 ? <p>The first 500 problems are listed.</p> : null}
    </section>
  )
}

function Preview({ data, busy }: { data: Extract<ActionData, { stage: 'preview' }>; busy: boolean }) {
  const needsReason = data.summary.some((s) => s.needsReason)
  const changes = data.summary.reduce((n, s) => n + s.added + s.changed, 0)
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">
        {data.fileName}: {formatCount(data.rows)} figures checked, no problems
      </h2>
      {data.notes.map((note) => (
        <p className="ds_inset-text" key={note}>
          <span className="ds_inset-text__text">{note}</span>
        </p>
      ))}
      <p>
        {changes === 0
          ? 'Every figure in the file is already held: committing it changes nothing.'
          : `Committing adds or changes ${formatCount(changes)} figures in these returns:`}
      </p>
      <DataTable
        caption="What the upload changes, by board and month"
        rows={data.summary}
        rowKey={(s) => `${s.code}-${s.month}`}
        columns={[
          { header: 'Board', cell: (s) => s.name },
          { header: 'Month', cell: (s) => formatMonth(s.month) },
          { header: 'Status', cell: (s) => <ReturnStatusTag status={s.status} late={false} /> },
          { header: 'New', numeric: true, cell: (s) => formatCount(s.added) },
          { header: 'Changed', numeric: true, cell: (s) => formatCount(s.changed) },
          { header: 'Unchanged', numeric: true, cell: (s) => formatCount(s.unchanged) },
        ]}
      />
      {data.warnings.length > 0 ? (
        <>
          <h3>Unusual figures to check</h3>
          <p>These can be saved; each will need a comment before its month is submitted.</p>
          <ul>
            {data.warnings.slice(0, 100).map((w, i) => (
              <li key={i}>
                Row {w.row}: {w.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Form method="post">
        <input type="hidden" name="uploadId" value={data.uploadId} />
        {needsReason ? (
          <div className="ds_question">
            <label className="ds_label" htmlFor="reason">
              Reason for changing approved figures
            </label>
            <p className="ds_hint-text" id="reason-hint">
              Some of these months were approved before. The reason is kept with each changed figure.
            </p>
            <textarea className="ds_input" id="reason" name="reason" rows={3} aria-describedby="reason-hint" />
          </div>
        ) : null}
        <div className="ds_button-group">
          <SubmitButton disabled={busy}>Commit the upload</SubmitButton>
          <Link to="/returns/upload" className="ds_button ds_button--cancel">
            Cancel
          </Link>
        </div>
      </Form>
    </section>
  )
}
