import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Router, type Request, type Response } from 'express'
import type { Db } from '../../db/database.ts'
import type { Principal } from '../../services/accounts.ts'
import { authenticate, type AuthSettings } from '../session-auth.ts'
import { PAGE_CSP } from './home.ts'

const appDir = join(dirname(fileURLToPath(import.meta.url)), '../static/app')

const ASSETS: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'curate.js': 'text/javascript; charset=utf-8',
  'users.js': 'text/javascript; charset=utf-8',
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Our pages: no inline script anywhere (CSP script-src 'self'); every script is a file below /app/. */
function page(res: Response, status: number, title: string, body: string, scripts: string[] = []): void {
  res
    .status(status)
    .set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cache-control': 'no-store' })
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Plaudit</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/app/app.css">
${scripts.map((s) => `<script defer src="${s}"></script>`).join('\n')}</head>
<body>${body}</body></html>`)
}

function nav(principal: Principal): string {
  return `<header class="bar"><strong>Plaudit</strong><nav><a href="/app/curate">Curate</a>${principal.role === 'owner' ? ' <a href="/app/users">Users &amp; keys</a>' : ''} <a href="/">Site</a></nav>
<span class="who">${escapeHtml(principal.actor.replace(/^user:/, ''))} (${principal.role})</span><button type="button" id="logout">Sign out</button></header>`
}

export function appPages(settings: AuthSettings & { db: Db }): Router {
  const router = Router()
  const assets = new Map(Object.entries(ASSETS).map(([file, type]) => [file, { type, body: readFileSync(join(appDir, file)) }]))
  const sessionOf = async (req: Request): Promise<Principal | null> => {
    try {
      const principal = await authenticate(settings, req)
      return principal?.csrfToken ? principal : null
    } catch {
      return null
    }
  }

  router.get('/app/:file', (req, res, next) => {
    const asset = assets.get(req.params.file)
    if (!asset) return next()
    res.status(200).set({ 'content-type': asset.type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' }).send(asset.body)
  })

  router.get('/login', (_req, res) =>
    page(
      res,
      200,
      'Sign in',
      `<main class="narrow"><h1>Sign in</h1><form id="login" autocomplete="on">
<label>E-mail <input name="email" type="email" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<label>One-time code (owners with a second factor) <input name="totp" inputmode="numeric" pattern="\\d{6}" autocomplete="one-time-code"></label>
<button type="submit">Sign in</button><p id="login-error" role="alert" class="error"></p></form></main>`,
      ['/app/login.js'],
    ),
  )

  router.get('/app/curate', async (req, res) => {
    const principal = await sessionOf(req)
    if (!principal) return res.redirect(302, '/login?next=/app/curate')
    page(
      res,
      200,
      'Curate',
      `${nav(principal)}<main class="workspace">
<section class="search" aria-label="Search reviews"><h1>Curate testimonials</h1>
<form id="search" role="search">
<label>Words <input name="q" type="search" placeholder="never rushed"></label>
<label>Theme <select name="theme"><option value="">any</option></select></label>
<label>Polarity <select name="polarity"><option value="">any</option><option>positive</option><option>negative</option><option>mixed</option></select></label>
<fieldset><legend>Stars</legend>${[5, 4, 3, 2, 1].map((n) => `<label class="inline"><input type="checkbox" name="stars" value="${n}">${n}</label>`).join('')}</fieldset>
<label>From <input name="from" type="date"></label><label>To <input name="to" type="date"></label>
<label>Source <select name="source"><option value="">any</option><option>google-business-profile</option><option>import</option></select></label>
<button type="submit">Search</button></form>
<p id="status" role="status" aria-live="polite"></p>
<p class="help" id="selection-help">Select words in a review with the mouse, or focus its text (Tab) and use Shift+arrows (Ctrl+Shift+arrows by word), then press Enter or “Use selection”. Press / to search.</p>
<ol id="results" class="results"></ol></section>
<aside class="side" aria-label="Excerpt and collection">
<section><h2>Excerpt preview</h2><p id="excerpt-status" role="status">No excerpt yet.</p><plaudit-reviews id="preview"></plaudit-reviews>
<form id="add"><label>Collection <input name="collection" list="collection-list" pattern="[a-z0-9][a-z0-9\\-]{0,63}" required placeholder="home"></label>
<datalist id="collection-list"></datalist><button type="submit" disabled>Add to collection</button></form></section>
<section><h2>Collection <span id="collection-name"></span></h2><ol id="items" class="items"></ol>
<h3>Public feed now</h3><plaudit-reviews id="feed-preview"></plaudit-reviews></section></aside></main>`,
      ['/widget.js', '/app/curate.js'],
    )
  })

  router.get('/app/users', async (req, res) => {
    const principal = await sessionOf(req)
    if (!principal) return res.redirect(302, '/login?next=/app/users')
    if (principal.role !== 'owner') return page(res, 403, 'Owners only', `${nav(principal)}<main class="narrow"><h1>Owners only</h1><p>Managing users, API keys and connections needs the owner role.</p></main>`, ['/app/users.js'])
    page(
      res,
      200,
      'Users and keys',
      `${nav(principal)}<main class="narrow"><h1>Users</h1><table><thead><tr><th>E-mail</th><th>Role</th><th>Second factor</th><th></th></tr></thead><tbody id="users"></tbody></table>
<h2>Invite</h2><form id="invite"><label>E-mail <input name="email" type="email" required></label><label>Role <select name="role"><option>marketing</option><option>owner</option></select></label>
<label>First password (share it privately; at least 12 characters) <input name="password" type="password" minlength="12" required autocomplete="new-password"></label><button type="submit">Invite</button></form>
<h2>API keys</h2><table><thead><tr><th>Name</th><th>Scope</th><th>Created</th><th>Revoked</th><th></th></tr></thead><tbody id="keys"></tbody></table>
<form id="new-key"><label>Name <input name="name" required></label><label>Scope <select name="scope"><option>marketing</option><option>owner</option></select></label><button type="submit">Create key</button></form>
<p id="new-key-value" role="status"></p>
<h2>Second factor</h2><p>Owners may require a one-time code from an authenticator app at sign-in.</p>
<button type="button" id="totp-start">Set up a second factor</button><div id="totp-setup" hidden><p>Add this secret to your authenticator (or open the otpauth link on your phone): <code id="totp-secret"></code></p>
<p><a id="totp-uri" href="#">otpauth link</a></p><form id="totp-confirm"><label>Code from the app <input name="code" inputmode="numeric" pattern="\\d{6}" required autocomplete="one-time-code"></label><button type="submit">Turn on</button></form></div>
<p id="totp-status" role="status"></p>
<h2>Audit log</h2><p><a href="/api/v1/audit?format=csv">Download CSV</a> · <a href="/api/v1/audit?format=json">JSON</a></p><ol id="audit" class="audit"></ol>
<p id="users-error" role="alert" class="error"></p></main>`,
      ['/app/users.js'],
    )
  })
  return router
}
