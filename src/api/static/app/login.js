// Sign-in form: posts JSON, then goes where the visitor was heading (same-origin paths only).
const form = document.getElementById('login')
const error = document.getElementById('login-error')
form.addEventListener('submit', async (event) => {
  event.preventDefault()
  error.textContent = ''
  const data = new FormData(form)
  const body = { email: data.get('email'), password: data.get('password') }
  if (data.get('totp')) body.totp = data.get('totp')
  const response = await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) {
    error.textContent = (await response.json().catch(() => ({}))).message || 'Sign-in failed'
    return
  }
  const next = new URLSearchParams(location.search).get('next') || ''
  location.assign(/^\/app\/[a-z]+$/.test(next) ? next : '/app/curate')
})
