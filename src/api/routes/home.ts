import type { RequestHandler } from 'express'
import type { Db } from '../../db/database.ts'
import { listCollections } from '../../db/stores/collections.ts'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Our own pages allow our own scripts only; styles inline (the widget's shadow root needs them). */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

const DEMO_LAYOUTS = [
  { name: 'grid', height: '480px' },
  { name: 'carousel', height: '320px' },
  { name: 'list', height: '480px' },
  { name: 'badge', height: '64px' },
]

/** The demo site: each collection shown as the practice's website would embed it, and what exists so far. */
export function homePage(db: Db, locationIds: () => Promise<string[]>): RequestHandler {
  return async (_req, res) => {
    const collections = await listCollections(db)
    const embeds = collections
      .map((c, i) => {
        // The demo shows each layout once; the inline height reserves the box before the script runs.
        const layout = DEMO_LAYOUTS[i % DEMO_LAYOUTS.length]!
        const slug = escapeHtml(c.slug)
        return `<section><h2>${escapeHtml(c.title)}</h2><plaudit-reviews collection="${slug}" layout="${layout.name}" max="6" style="display:block;height:${layout.height}"></plaudit-reviews>
<p class="links"><a href="/api/public/v1/collections/${slug}">public feed (JSON)</a> · <a href="/api/public/v1/collections/${slug}.html">server-rendered HTML</a> · <a href="/embed/${slug}">iframe embed</a></p></section>`
      })
      .join('\n')
    const locations = (await locationIds())
      .map((id) => `<li><a href="/reviews/${encodeURIComponent(id)}">all reviews of ${escapeHtml(id)}</a> (public page) · <a href="/api/v1/locations/${encodeURIComponent(id)}/reviews?limit=20">API</a> (signed in or with a key; filters: theme, polarity, rating, q, sort, cursor)</li>`)
      .join('')
    res
      .status(200)
      .set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' })
      .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Plaudit demo</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2933}h1{margin-bottom:0}.sub{color:#52606d}section{margin:2rem 0}.links{font-size:.9em}</style>
<script async src="/widget.js"></script></head>
<body><h1>Plaudit</h1><p class="sub">The practice's website, as it would embed its testimonials.</p>
${embeds || '<p>No collection yet: run <code>npm run demo</code>.</p>'}
<section><h2>What exists so far</h2><ul>
<li><a href="/app/dashboard">/app/dashboard</a>: the owner dashboard (themes by month, replies, source health)</li>
<li><a href="/healthz">/healthz</a>: database and Redis</li>${locations}
<li><a href="/app/curate">/app/curate</a>: the curation workspace (sign in; accounts come from <code>plaudit users add</code>)</li>
<li><a href="/widget.js">/widget.js</a>: the embed script, <code>&lt;plaudit-reviews collection="home"&gt;</code></li>
<li><code>POST /api/v1/testimonials</code>, <code>PUT /api/v1/collections/:slug</code>, <code>GET /api/v1/imports/:id</code>, <code>GET /api/v1/job-failures</code>: admin API key</li>
</ul></section></body></html>`)
  }
}
