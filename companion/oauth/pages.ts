// The two pages a person sees at /oauth: the sign-in form and the error page. Server-rendered, no script, every
// value escaped; PAGE_HEADERS keep them out of caches and out of frames (clickjacking a password form).
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  Pragma: "no-cache",
  // form-action must allow the hosts the sign-in ends up redirecting to: browsers apply it to the redirects too.
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https://chatgpt.com https://chat.openai.com; frame-ancestors 'none'; base-uri 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#222}
label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#a00}code{word-break:break-all}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

export interface LoginPage {
  /** Where the form posts: /oauth/interaction/<uid>/login. */
  readonly action: string;
  readonly csrfToken: string;
  readonly clientName: string;
  /** Shown again after a failed attempt so only the password has to be retyped. */
  readonly username?: string;
  readonly message?: string;
}

export function renderLoginPage(p: LoginPage): string {
  return page(
    "Sign in",
    `<h1>Sign in</h1>
<p>${escapeHtml(p.clientName)} asks to use the API as you.</p>
${p.message ? `<p class="error" role="alert">${escapeHtml(p.message)}</p>` : ""}
<form method="post" action="${escapeHtml(p.action)}" autocomplete="on">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrfToken)}">
<label>Username <input name="username" autocomplete="username" required autofocus value="${escapeHtml(p.username ?? "")}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

export interface ErrorPage {
  readonly error: string;
  readonly description?: string;
  /** What the administrator can do about it, e.g. the command that registers a callback URL. */
  readonly hint?: string;
}

export function renderErrorPage(p: ErrorPage): string {
  return page(
    "Sign-in error",
    `<h1>Sign-in error</h1>
<p><strong>${escapeHtml(p.error)}</strong>${p.description ? `: ${escapeHtml(p.description)}` : ""}</p>
${p.hint ? `<p>${escapeHtml(p.hint).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>` : ""}`,
  );
}
