import noScriptCss from '#app/styles/no-script.css?url'

/**
 * Without JavaScript the charts never draw: this stylesheet, inside <noscript>, removes the
 * boxes kept for them. Repeated on a page, the browser still loads it once.
 */
export function NoScriptStyles() {
  return (
    <noscript>
      <link rel="stylesheet" href={noScriptCss} />
    </noscript>
  )
}
