import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { listUsers } from '#app/models/users.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#app/utils/dates.ts'
import { can, ROLE_LABELS } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Accounts - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const accounts = await listUsers({ actor: user })
  return json({
    accounts: accounts.map((a) => ({
      ...a,
      role: ROLE_LABELS[a.role],
      lastSignedIn: a.lastSignedInAt ? formatDateTime(a.lastSignedInAt) : 'Never',
    })),
  })
}

const DONE_MESSAGES: Record<string, string> = {
  created: 'Account created',
  changed: 'Account changed',
  'password-reset': 'Password reset',
}

export default function Accounts() {
  const { accounts } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const done = DONE_MESSAGES[params.get('done') ?? '']
  const columns: Array<DataColumn<(typeof accounts)[number]>> = [
    {
      header: 'Name and email',
      cell: (account) => (
        <>
          <Link to={`/admin/users/${account.id}`}>{account.name}</Link>
          <br />
          <span className="app-secondary-text">{account.email}</span>
        </>
      ),
    },
    { header: 'Role', cell: (account) => account.role },
    { header: 'Board', cell: (account) => account.boardName ?? 'All boards' },
    {
      header: 'Status',
      cell: (account) =>
        account.disabled ? (
          <strong className="ds_tag ds_tag--grey">Disabled</strong>
        ) : (
          <strong className="ds_tag ds_tag--green">Active</strong>
        ),
    },
    { header: 'Last signed in', cell: (account) => account.lastSignedIn },
  ]
  return (
    <>
      {done ? <SuccessBanner title={done} /> : null}
      <PageHeader label="Administration" title="Accounts">
        <p>Who can use the dashboard, in which role and for which board.</p>
      </PageHeader>
      <p>
        <Link to="/admin/users/new" className="ds_button">
          Create an account
        </Link>
      </p>
      <DataTable caption="Accounts" rows={accounts} rowKey={(account) => account.id} columns={columns} />
    </>
  )
}
