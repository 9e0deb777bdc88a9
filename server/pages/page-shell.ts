/**
 * The shell of the server-rendered one-message pages (error pages, the logout confirmation): the
 * same head, stylesheet (the CSP forbids inline styles) and brand line, so they look alike.
 * `titleHtml` and `mainHtml` are HTML: callers escape what they put in.
 */
export function pageShell(lang: 'en' | 'fr', titleHtml: string, mainHtml: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${titleHtml} — nowplaying-hub</title>
<link rel="stylesheet" href="/assets/hub.css">
</head>
<body class="error-page">
<main>
<p class="brand"><span class="dot" aria-hidden="true"></span> nowplaying-hub</p>
${mainHtml}
</main>
</body>
</html>`;
}
