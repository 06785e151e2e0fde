import type { ReactNode } from 'react'

/** The design system's confirmation message, after something was done ("Account created"). */
export function SuccessBanner({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="ds_confirmation-message" role="status">
      <svg
        className="ds_confirmation-message__icon ds_icon ds_icon--24 ds_icon--fill"
        aria-hidden="true"
        viewBox="0 0 24 24"
      >
        <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-2 15-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8l-9 9z" />
      </svg>
      <h2 className="ds_confirmation-message__title">{title}</h2>
      {children ? <div className="ds_confirmation-message__body">{children}</div> : null}
    </div>
  )
}

/** Something the reader must know before acting. */
export function WarningText({ children }: { children: ReactNode }) {
  return (
    <div className="ds_warning-text">
      <strong className="ds_warning-text__icon" aria-hidden="true" />
      <strong className="visually-hidden">Warning</strong>
      <div className="ds_warning-text__text">{children}</div>
    </div>
  )
}
