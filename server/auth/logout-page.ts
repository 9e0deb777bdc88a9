/**
 * The page a `GET /logout` from elsewhere gets: one button that POSTs, so logging out always takes
 * the person's own click on the hub. Styled by the hub's stylesheet (the CSP forbids inline styles).
 */
export function logoutConfirmationPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log out? · nowplaying-hub</title><link rel="stylesheet" href="/assets/hub.css"></head>
<body><main class="narrow">
<h1>Log out?</h1>
<p>You will leave the line and the hub forgets your Spotify connection.</p>
<form method="post" action="/logout"><button class="button" type="submit">Log out</button></form>
<p><a href="/">Back to the hub</a></p>
</main></body>
</html>`;
}
