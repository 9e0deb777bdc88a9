/** The simulator's few HTML pages (consent, errors, its index), styled like Spotify's dark pages. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#121212;color:#fff}
main{max-width:28rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.4rem}.badge{display:inline-block;background:#333;color:#1ed760;border-radius:1rem;padding:.2rem .8rem;font-size:.8rem}
fieldset{border:1px solid #333;border-radius:.5rem;padding:.5rem 1rem}.who{display:block;padding:.6rem 0;font-size:1.1rem}
.buttons{display:flex;gap:1rem;margin-top:1.5rem}button{flex:1;font-size:1rem;padding:.9rem;border-radius:2rem;border:0;font-weight:700;cursor:pointer}
.primary{background:#1ed760;color:#000}.secondary{background:transparent;color:#fff;border:1px solid #777}
</style></head><body>${body}</body></html>`;
}

export function errorPage(message: string): string {
  return page('Error — Spotify (simulated)', `<main><h1>Something went wrong</h1><p>${escapeHtml(message)}</p></main>`);
}
