import express, { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { consumeOauthState, createOauthState } from '../../db/stores/google.ts'
import { addGoogleLocation, beginConnect, completeConnect, googleStatus, type GoogleConnectDependencies } from '../../services/google-connect.ts'
import { RuleViolationError } from '../../services/errors.ts'
import { PAGE_CSP } from './home.ts'

export interface SettingsDependencies {
  connect: GoogleConnectDependencies
  /** The callback Google sends the owner back to; derived from the request when not configured. */
  redirectUri: string | undefined
  /** Upserts the location's BullMQ job schedulers (incremental and full). */
  schedule: (locationId: string) => Promise<void>
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cache-control': 'no-store' })
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Plaudit</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1f2933}.warn{background:#fff3c4;padding:.5rem 1rem;border-radius:4px}.err{color:#a61b1b}td,th{padding:.25rem .75rem;text-align:left}.button{display:inline-block;background:#2f5cd6;color:#fff;padding:.5rem 1rem;border-radius:4px;text-decoration:none}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`)
}

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never')

const selectionSchema = z.object({
  name: z.string().regex(/^accounts\/[A-Za-z0-9_-]+\/locations\/[A-Za-z0-9_-]+$/),
  title: z.string().min(1).max(200),
  placeId: z.string().max(200).nullable(),
  mapsUri: z.string().max(500).nullable(),
})

const pickSchema = z.object({
  form: z.string().min(1),
  connection: z.string().min(1),
  location: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])),
})

/**
 * The owner's Google settings (mounted at /app/settings behind requireOwnerPage): connect an account (OAuth code flow with a single-use `state`),
 * pick locations, and see each connection's state, including one that needs re-authorisation.
 */
export function settingsRoutes(deps: SettingsDependencies): Router {
  const router = Router()
  const redirectUriFor = (req: Request) => deps.redirectUri ?? `${req.protocol}://${req.get('host')}/app/settings/google/callback`

  router.get('/', async (_req, res) => {
    const { connections, locations } = await googleStatus(deps.connect.db)
    const needsReauth = connections.filter((c) => c.status === 'needs_reauth')
    const warning = needsReauth.length
      ? `<p class="warn" role="alert">Google needs you to connect again: ${needsReauth.map((c) => `${escapeHtml(c.label)} (${escapeHtml(c.lastError ?? 'access was revoked or expired')})`).join('; ')}. Syncing is paused until you do. <a href="/app/settings/google/connect">Reconnect Google</a></p>`
      : ''
    const rows = locations
      .map(
        (l) =>
          `<tr><td>${escapeHtml(l.title ?? l.googleName)}<br><small>${escapeHtml(l.googleName)}</small></td><td>${l.connectionStatus === 'needs_reauth' ? '<strong>needs re-authorisation</strong>' : 'connected'}</td><td>${when(l.lastSyncAt)}</td><td>${when(l.lastFullSyncAt)}</td><td class="err">${escapeHtml(l.lastError ?? '')}</td></tr>`,
      )
      .join('')
    page(
      res,
      200,
      'Google settings',
      `${warning}<p><a class="button" href="/app/settings/google/connect">Connect a Google account</a></p>
<h2>Locations in sync</h2>${rows ? `<table><thead><tr><th>Location</th><th>Connection</th><th>Last sync</th><th>Last full sync</th><th>Last error</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No Google location yet.</p>'}`,
    )
  })

  router.get('/google/connect', async (req, res, next) => {
    try {
      res.redirect(302, (await beginConnect(deps.connect, redirectUriFor(req))).url)
    } catch (error) {
      if (error instanceof RuleViolationError) return page(res, 503, 'Google is not set up', `<p>${escapeHtml(error.message)}</p>`)
      next(error)
    }
  })

  router.get('/google/callback', async (req, res, next) => {
    const query = z.object({ state: z.string().min(1), code: z.string().min(1) }).safeParse(req.query)
    if (!query.success) {
      const denied = typeof req.query.error === 'string' ? `Google said: ${req.query.error}.` : 'The answer from Google is missing its code or state.'
      return page(res, 400, 'Not connected', `<p>${escapeHtml(denied)}</p><p><a href="/app/settings">Back to settings</a></p>`)
    }
    try {
      const { connection, locations, alreadySynced } = await completeConnect(deps.connect, query.data)
      const form = await createOauthState(deps.connect.db, 'form', deps.connect.call.now())
      // A reconnect offers the locations it repairs already ticked; a first connect ticks the first one.
      const ticked = (name: string, i: number) => (alreadySynced.size > 0 ? alreadySynced.has(name) : i === 0)
      const choices = locations
        .map(
          (l, i) =>
            `<li><label><input type="checkbox" name="location" value="${escapeHtml(JSON.stringify(l))}"${ticked(l.name, i) ? ' checked' : ''}> ${escapeHtml(l.title)} <small>${escapeHtml(l.name)}</small>${alreadySynced.has(l.name) ? ' (synced already: picking it again reconnects it)' : ''}</label></li>`,
        )
        .join('')
      page(
        res,
        200,
        'Pick locations to sync',
        `<p>Connected. Which locations should Plaudit keep in sync?</p><form method="post" action="/app/settings/google/locations">
<input type="hidden" name="form" value="${escapeHtml(form)}"><input type="hidden" name="connection" value="${escapeHtml(connection.id)}">
<ul>${choices || '<li>This Google account manages no location.</li>'}</ul><button type="submit">Sync these locations</button></form>`,
      )
    } catch (error) {
      if (error instanceof RuleViolationError || (error instanceof Error && error.name.startsWith('Google'))) {
        return page(res, 400, 'Not connected', `<p class="err">${escapeHtml((error as Error).message)}</p><p><a href="/app/settings">Back to settings</a></p>`)
      }
      next(error)
    }
  })

  router.post('/google/locations', express.urlencoded({ extended: false, limit: '50kb' }), async (req, res, next) => {
    try {
      const body = pickSchema.safeParse(req.body)
      if (!body.success) return page(res, 400, 'Nothing picked', '<p>Pick at least one location.</p><p><a href="/app/settings">Back to settings</a></p>')
      if ((await consumeOauthState(deps.connect.db, body.data.form, deps.connect.call.now())) !== 'form') return page(res, 400, 'Form expired', '<p>This form is stale or was not made here: connect again.</p>')
      for (const raw of body.data.location) {
        let parsed
        try {
          parsed = selectionSchema.safeParse(JSON.parse(raw))
        } catch {
          parsed = null
        }
        if (!parsed?.success) return page(res, 400, 'Unknown location', `<p>location: not a location this page offered (got ${escapeHtml(JSON.stringify(raw).slice(0, 80))})</p>`)
        const added = await addGoogleLocation(deps.connect.db, { connectionId: body.data.connection, location: parsed.data })
        await deps.schedule(added.locationId)
      }
      res.redirect(303, '/app/settings')
    } catch (error) {
      next(error)
    }
  })
  return router
}
