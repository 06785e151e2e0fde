export function SiteFooter() {
  return (
    <footer className="ds_site-footer">
      <div className="ds_wrapper">
        <div className="ds_site-footer__content">
          <p className="ds_site-footer__copyright">
            Figures are management information reported monthly by the territorial health boards. They are provisional
            until approved by the national programme team and may be revised.
          </p>
        </div>
      </div>
    </footer>
  )
}
