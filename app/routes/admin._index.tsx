import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Administration - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer)
  return json(null)
}

const AREAS = [
  {
    to: '/admin/users',
    title: 'Accounts',
    text: 'Create accounts, change a role or board, disable an account, reset a password.',
  },
  {
    to: '/admin/catalogue',
    title: 'Service catalogue',
    text: 'Services, the measures boards report for each, and the treatments each offers.',
  },
  {
    to: '/admin/coverage',
    title: 'Coverage changes',
    text: 'A service going live, into pilot, planned or withdrawn in a board from a month; population estimates.',
  },
  {
    to: '/admin/annotations',
    title: 'Events on the trends',
    text: 'Dated events that explain a trend, like a platform change or a service going live; where control limits restart.',
  },
  {
    to: '/admin/costs',
    title: 'Costs',
    text: 'National contract and licence costs and boards’ own costs by financial year and service, for resources and value.',
  },
  {
    to: '/audit',
    title: 'Audit trail',
    text: 'Who did what and when: sign-ins, changes to accounts, the catalogue, coverage and figures, exports.',
  },
]

export default function Administration() {
  return (
    <>
      <PageHeader title="Administration">
        <p>For the national programme team.</p>
      </PageHeader>
      <ul className="ds_card-grid ds_card-grid--medium-2 ds_no-bullets">
        {AREAS.map((area) => (
          <li className="ds_card ds_card--navigation" key={area.to}>
            <div className="ds_card__content">
              <h2 className="ds_card__title">
                <Link className="ds_card__link ds_card__link--cover" to={area.to}>
                  {area.title}
                </Link>
              </h2>
              <p>{area.text}</p>
            </div>
          </li>
        ))}
      </ul>
    </>
  )
}
