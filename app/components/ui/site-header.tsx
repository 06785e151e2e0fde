import { Form, NavLink } from '@remix-run/react'

export interface NavItem {
  to: string
  label: string
}

export interface HeaderUser {
  name: string
  email: string
  role: string
  board: string | null
}

/** The design system's site header: service name, who is signed in, and the main navigation. */
export function SiteHeader({ items, user }: { items: NavItem[]; user: HeaderUser | null }) {
  return (
    <header className="ds_site-header" role="banner">
      <div className="ds_wrapper">
        <div className="ds_site-header__content app-site-header__content">
          <div className="ds_site-branding">
            <a className="ds_site-branding__link" href="/">
              <span className="ds_site-branding__title">Digital Therapies Programme Dashboard</span>
            </a>
          </div>
          {user ? (
            <div className="app-signed-in">
              <p className="app-signed-in__who">
                <span className="visually-hidden">Signed in as </span>
                <a href="/account" className="app-signed-in__name">
                  {user.name}
                </a>
                <br />
                {user.board ? `${user.role}, ${user.board}` : user.role}
              </p>
              <Form method="post" action="/logout">
                <button type="submit" className="ds_button ds_button--secondary ds_button--small ds_no-margin">
                  Sign out
                </button>
              </Form>
            </div>
          ) : null}
        </div>
      </div>
      {items.length > 0 ? (
        <div className="ds_site-header__navigation app-site-navigation">
          <div className="ds_wrapper">
            <nav className="ds_site-navigation" aria-label="Main">
              <ul className="ds_site-navigation__list">
                {items.map((item) => (
                  <li className="ds_site-navigation__item" key={item.to}>
                    <NavLink
                      to={item.to}
                      end={item.to === '/'}
                      prefetch="intent"
                      className={({ isActive }) => `ds_site-navigation__link${isActive ? ' ds_current' : ''}`}
                    >
                      <span className="label-nav">{item.label}</span>
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      ) : null}
    </header>
  )
}
