/**
 * The page shown while the database cannot be reached. Plain HTML with the design system's
 * stylesheet is not available here (the app may not be ready), so it is styled inline-free and
 * says what is happening and what to do.
 */
export function unavailablePage(_nonce: string) {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="15">
<title>Service unavailable - Digital Therapies Programme Dashboard</title>
</head>
<body>
<main>
<h1>Sorry, the dashboard is unavailable</h1>
<p>The dashboard cannot reach its database at the moment, so no figures can be shown or saved.
Nothing you have already saved has been lost.</p>
<p>This page will try again every 15 seconds. If the problem lasts more than a few minutes,
contact the service desk.</p>
</main>
</body>
</html>`
}
