// The owner page: users, API keys (the key is shown once), audit log. Text goes in via textContent only.
let csrf = ''
const el = (tag, text, cls) => {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = String(text)
  if (cls) node.className = cls
  return node
}
const errorBox = document.getElementById('users-error')
async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const json = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(json.message || `HTTP ${response.status}`)
  return json
}
const report = (error) => { if (errorBox) errorBox.textContent = error.message }

document.getElementById('logout')?.addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session').catch(() => undefined)
  location.assign('/login')
})

async function loadUsers() {
  const { users } = await api('GET', '/api/v1/users')
  const body = document.getElementById('users')
  body.replaceChildren(...users.map((u) => {
    const row = el('tr')
    const remove = el('button', 'Remove')
    remove.type = 'button'
    remove.setAttribute('aria-label', `Remove ${u.email}`)
    remove.addEventListener('click', () => api('DELETE', `/api/v1/users/${encodeURIComponent(u.id)}`).then(loadAll, report))
    const action = el('td')
    action.append(remove)
    row.append(el('td', u.email), el('td', u.role), el('td', u.totpEnabled ? 'on' : 'off'), action)
    return row
  }))
}

async function loadKeys() {
  const { apiKeys } = await api('GET', '/api/v1/api-keys')
  document.getElementById('keys').replaceChildren(...apiKeys.map((k) => {
    const row = el('tr')
    const action = el('td')
    if (!k.revokedAt) {
      const revoke = el('button', 'Revoke')
      revoke.type = 'button'
      revoke.setAttribute('aria-label', `Revoke key ${k.name}`)
      revoke.addEventListener('click', () => api('POST', `/api/v1/api-keys/${encodeURIComponent(k.id)}/revoke`).then(loadAll, report))
      action.append(revoke)
    }
    row.append(el('td', k.name), el('td', k.scope), el('td', k.createdAt.slice(0, 10)), el('td', k.revokedAt ? k.revokedAt.slice(0, 10) : ''), action)
    return row
  }))
}

async function loadAudit() {
  const { entries } = await api('GET', '/api/v1/audit?limit=50')
  document.getElementById('audit').replaceChildren(...entries.map((e) => el('li', `${e.at} · ${e.actor} · ${e.action} · ${e.subject}`)))
}

const loadAll = () => Promise.all([loadUsers(), loadKeys(), loadAudit()]).catch(report)

async function start() {
  csrf = (await api('GET', '/api/v1/session')).csrfToken
  if (!document.getElementById('users')) return
  document.getElementById('invite').addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(event.target)
    api('POST', '/api/v1/users', { email: data.get('email'), role: data.get('role'), password: data.get('password') }).then(() => { event.target.reset(); return loadAll() }, report)
  })
  document.getElementById('new-key').addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(event.target)
    api('POST', '/api/v1/api-keys', { name: data.get('name'), scope: data.get('scope') }).then((created) => {
      document.getElementById('new-key-value').textContent = `New key (copy it now, it is shown once): ${created.key}`
      event.target.reset()
      return loadAll()
    }, report)
  })
  let pendingSecret = ''
  document.getElementById('totp-start').addEventListener('click', () =>
    api('POST', '/api/v1/users/me/totp').then(({ secret, uri }) => {
      pendingSecret = secret
      document.getElementById('totp-secret').textContent = secret
      const link = document.getElementById('totp-uri')
      if (/^otpauth:\/\//.test(uri)) link.href = uri
      document.getElementById('totp-setup').hidden = false
    }, report),
  )
  document.getElementById('totp-confirm').addEventListener('submit', (event) => {
    event.preventDefault()
    api('POST', '/api/v1/users/me/totp/confirm', { secret: pendingSecret, code: new FormData(event.target).get('code') }).then(() => {
      document.getElementById('totp-setup').hidden = true
      document.getElementById('totp-status').textContent = 'Second factor on: sign-in now asks for a code.'
      return loadAll()
    }, report)
  })
  await loadAll()
}
start().catch(report)
