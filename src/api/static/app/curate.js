// The curation workspace. Review text is hostile input: it enters the page only as text nodes
// (textContent / createTextNode), evidence is wrapped in <mark> elements we create. An excerpt is
// taken from the DOM selection as offsets into the review text, never as typed or copied words.
let csrf = ''
let excerpt = null // { reviewId, start, end }
let current = null // the collection shown on the right
const el = (tag, text, cls) => {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = String(text)
  if (cls) node.className = cls
  return node
}
const button = (label, onClick, aria) => {
  const b = el('button', label)
  b.type = 'button'
  if (aria) b.setAttribute('aria-label', aria)
  b.addEventListener('click', onClick)
  return b
}
const statusLine = document.getElementById('status')
const excerptStatus = document.getElementById('excerpt-status')
const say = (text) => { statusLine.textContent = text }

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: body === undefined ? undefined : JSON.stringify(body) })
  const json = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(json.message || `HTTP ${response.status}`)
  return json
}
const fail = (error) => say(`Error: ${error.message}`)

// The review text as text nodes, evidence spans as <mark>. Overlapping spans are merged.
function renderText(text, evidence) {
  const node = el('p', undefined, 'text')
  const spans = [...evidence].sort((a, b) => a.start - b.start)
  let at = 0
  for (const span of spans) {
    const start = Math.max(span.start, at)
    if (span.end <= start) continue
    if (start > at) node.append(document.createTextNode(text.slice(at, start)))
    const mark = el('mark', text.slice(start, span.end), span.polarity)
    mark.title = `${span.theme} (${span.polarity})`
    node.append(mark)
    at = span.end
  }
  if (at < text.length) node.append(document.createTextNode(text.slice(at)))
  return node
}

// Offsets of the selection inside a review's text element: the length of the text before each end.
function selectionOffsets(textNode) {
  const selection = document.getSelection()
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null
  const range = selection.getRangeAt(0)
  if (!textNode.contains(range.startContainer) || !textNode.contains(range.endContainer)) return null
  const before = document.createRange()
  before.selectNodeContents(textNode)
  before.setEnd(range.startContainer, range.startOffset)
  const start = before.toString().length
  return { start, end: start + range.toString().length }
}

// A click on "Use selection" may collapse the selection first: keep the last one made in each review.
const lastSelection = new WeakMap()
document.addEventListener('selectionchange', () => {
  const node = document.getSelection()?.anchorNode
  const text = (node?.nodeType === Node.TEXT_NODE ? node.parentElement : node)?.closest?.('.text')
  const offsets = text && selectionOffsets(text)
  if (offsets) lastSelection.set(text, offsets)
})

async function useSelection(review, textNode) {
  const offsets = selectionOffsets(textNode) || lastSelection.get(textNode)
  if (!offsets) return say('Select some words of this review first.')
  try {
    const { feed } = await api('POST', '/api/v1/testimonials/preview', { reviewId: review.id, ...offsets })
    excerpt = { reviewId: review.id, ...offsets }
    document.getElementById('preview').feed = feed
    excerptStatus.textContent = `Excerpt of ${offsets.end - offsets.start} characters, shown exactly as the widget will show it.`
    document.querySelector('#add button').disabled = false
  } catch (error) {
    excerptStatus.textContent = `Cannot use this selection: ${error.message}`
  }
}

// Keyboard selection inside the focused text: arrows move, Shift extends, Ctrl/Alt by word, Enter takes it.
function keyboardSelection(review, textNode) {
  textNode.tabIndex = 0
  // The text stays the accessible name of itself; the keys are described by the help line.
  textNode.setAttribute('aria-describedby', 'selection-help')
  textNode.addEventListener('focus', () => {
    const selection = document.getSelection()
    if (!selection.rangeCount || !textNode.contains(selection.anchorNode)) selection.collapse(textNode, 0)
  })
  textNode.addEventListener('keydown', (event) => {
    const selection = document.getSelection()
    if (event.key === 'Enter') {
      event.preventDefault()
      return useSelection(review, textNode)
    }
    const direction = { ArrowRight: 'forward', ArrowLeft: 'backward' }[event.key]
    if (!direction) return
    event.preventDefault()
    selection.modify(event.shiftKey ? 'extend' : 'move', direction, event.ctrlKey || event.altKey ? 'word' : 'character')
  })
}

function renderChips(review) {
  const chips = el('div', undefined, 'chips')
  for (const chip of review.themes) {
    const item = el('span', undefined, `chip ${chip.polarity} ${chip.verdict || ''}`)
    item.append(el('span', `${chip.theme} · ${chip.polarity}${chip.verdict ? ` · ${chip.verdict}` : ''}`))
    const verdict = (v) => () => api('POST', `/api/v1/reviews/${encodeURIComponent(review.id)}/themes`, { theme: chip.theme, polarity: chip.polarity, verdict: v }).then(search, fail)
    item.append(button('✓', verdict('confirmed'), `Confirm ${chip.theme}`), button('✗', verdict('rejected'), `Reject ${chip.theme}`))
    chips.append(item)
  }
  const add = el('span')
  const theme = el('select')
  theme.setAttribute('aria-label', 'Missed theme')
  for (const id of themes) theme.append(new Option(id, id))
  const polarity = el('select')
  polarity.setAttribute('aria-label', 'Its polarity')
  for (const p of ['positive', 'negative', 'mixed']) polarity.append(new Option(p, p))
  add.append(theme, polarity, button('Add theme', () => api('POST', `/api/v1/reviews/${encodeURIComponent(review.id)}/themes`, { theme: theme.value, polarity: polarity.value, verdict: 'added' }).then(search, fail)))
  chips.append(add)
  return chips
}

function renderHide(review) {
  const box = el('div')
  if (review.hidden) {
    box.append(el('span', `Hidden from public lists: ${review.hidden.reason} (by ${review.hidden.actor}, ${review.hidden.at.slice(0, 10)}) `, 'hidden-note'), button('Unhide', () => api('POST', `/api/v1/reviews/${encodeURIComponent(review.id)}/unhide`).then(search, fail)))
    return box
  }
  const reason = el('select')
  reason.setAttribute('aria-label', 'Reason to hide')
  reason.append(new Option('hide for a reason…', ''))
  for (const r of hideReasons) reason.append(new Option(r, r))
  box.append(reason, button('Hide', () => reason.value ? api('POST', `/api/v1/reviews/${encodeURIComponent(review.id)}/hide`, { reason: reason.value }).then(search, fail) : say('Choose a reason from the list to hide a review.')))
  return box
}

let themes = []
let hideReasons = []

function renderReview(review) {
  const item = el('li')
  item.dataset.reviewId = review.id
  const stars = el('span', '★'.repeat(review.rating) + '☆'.repeat(5 - review.rating), 'stars')
  stars.setAttribute('aria-label', `${review.rating} out of 5 stars`)
  const meta = el('div', undefined, 'meta')
  meta.append(stars, document.createTextNode(` · ${review.createdAt.slice(0, 10)} · ${review.source} · ${review.author || 'anonymous'}`))
  const text = renderText(review.text, review.evidence)
  keyboardSelection(review, text)
  item.append(meta, renderChips(review), text, button('Use selection', () => useSelection(review, text)), renderHide(review))
  return item
}

async function search(event) {
  event?.preventDefault?.()
  const form = document.getElementById('search')
  const data = new FormData(form)
  const params = new URLSearchParams()
  for (const name of ['q', 'theme', 'polarity', 'from', 'to', 'source']) if (data.get(name)) params.set(name, data.get(name))
  const stars = data.getAll('stars')
  if (stars.length) params.set('stars', stars.join(','))
  try {
    const result = await api('GET', `/api/v1/curation/search?${params}`)
    document.getElementById('results').replaceChildren(...result.reviews.map(renderReview))
    say(`${result.reviews.length} review${result.reviews.length === 1 ? '' : 's'} found`)
  } catch (error) {
    fail(error)
  }
}

const knownCollections = new Set()
async function loadCollections() {
  const { collections } = await api('GET', '/api/v1/collections')
  for (const c of collections) knownCollections.add(c.slug)
  document.getElementById('collection-list').replaceChildren(...collections.map((c) => new Option(c.title, c.slug)))
}

async function putOrder(slug, title, ids) {
  await api('PUT', `/api/v1/collections/${slug}`, { title, testimonialIds: ids })
  await showCollection(slug)
}

async function showCollection(slug) {
  current = await api('GET', `/api/v1/collections/${slug}`)
  document.getElementById('collection-name').textContent = current.title
  const ids = current.items.map((i) => i.testimonial.id)
  const move = (index, by) => () => {
    const next = [...ids]
    const [moved] = next.splice(index, 1)
    next.splice(index + by, 0, moved)
    return putOrder(slug, current.title, next).then(() => document.querySelector(`#items li:nth-child(${index + by + 1}) button`)?.focus()).catch(fail)
  }
  document.getElementById('items').replaceChildren(...current.items.map(({ testimonial, authorizations }, index) => {
    const item = el('li')
    item.dataset.testimonialId = testimonial.id
    item.append(el('blockquote', testimonial.excerpt.text), el('div', testimonial.status, `meta status-${testimonial.status}`))
    const label = testimonial.excerpt.text.slice(0, 30)
    if (index > 0) item.append(button('↑', move(index, -1), `Move up: ${label}`))
    if (index < ids.length - 1) item.append(button('↓', move(index, 1), `Move down: ${label}`))
    if (testimonial.status === 'draft') item.append(button('Publish', () => api('POST', `/api/v1/testimonials/${testimonial.id}/publish`).then(() => showCollection(slug), fail), `Publish: ${label}`))
    if (testimonial.status === 'published') item.append(button('Unpublish', () => api('POST', `/api/v1/testimonials/${testimonial.id}/unpublish`).then(() => showCollection(slug), fail), `Unpublish: ${label}`))
    item.append(button('Remove', () => putOrder(slug, current.title, ids.filter((id) => id !== testimonial.id)).catch(fail), `Remove from collection: ${label}`))
    for (const a of authorizations) {
      const line = el('div', `Authorization signed by ${a.signedBy} on ${a.signedAt.slice(0, 10)} (${a.scope}; ref. ${a.reference})${a.expiresAt ? `, expires ${a.expiresAt.slice(0, 10)}` : ''}${a.revokedAt ? `, revoked ${a.revokedAt.slice(0, 10)}` : ''}`, 'meta')
      if (!a.revokedAt) line.append(button('Revoke', () => api('POST', `/api/v1/authorizations/${a.id}/revoke`).then(() => showCollection(slug), fail)))
      item.append(line)
    }
    item.append(authorizationForm(testimonial.id, slug))
    return item
  }))
  const feed = document.getElementById('feed-preview')
  if (current.feed) feed.feed = current.feed
}

function authorizationForm(testimonialId, slug) {
  const details = el('details')
  details.append(el('summary', 'Record a patient authorization (to show the name)'))
  const form = el('form')
  const field = (name, label, type = 'text', required = true) => {
    const wrap = el('label', `${label} `)
    const input = el('input')
    input.name = name
    input.type = type
    input.required = required
    wrap.append(input)
    return wrap
  }
  form.append(field('signedBy', 'Signed by'), field('signedAt', 'Signed on', 'date'), field('scope', 'Scope'), field('reference', 'Reference or file'), field('expiresAt', 'Expires', 'date', false))
  const submit = el('button', 'Record')
  submit.type = 'submit'
  form.append(submit)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const data = new FormData(form)
    const body = { signedBy: data.get('signedBy'), signedAt: data.get('signedAt'), scope: data.get('scope'), reference: data.get('reference'), expiresAt: data.get('expiresAt') || null }
    api('POST', `/api/v1/testimonials/${testimonialId}/authorizations`, body).then(() => showCollection(slug), fail)
  })
  details.append(form)
  return details
}

document.getElementById('add').addEventListener('submit', async (event) => {
  event.preventDefault()
  if (!excerpt) return
  const slug = new FormData(event.target).get('collection')
  try {
    const { testimonial } = await api('POST', '/api/v1/testimonials', excerpt)
    let existing = { title: slug, ids: [] }
    if (knownCollections.has(slug)) {
      const view = await api('GET', `/api/v1/collections/${slug}`)
      existing = { title: view.title, ids: view.items.map((i) => i.testimonial.id) }
    }
    await putOrder(slug, existing.title, [...existing.ids, testimonial.id])
    await loadCollections()
    excerptStatus.textContent = `Added to ${slug} as a draft: publish it in the collection.`
  } catch (error) {
    excerptStatus.textContent = `Not added: ${error.message}`
  }
})
document.getElementById('add').querySelector('input').addEventListener('change', (event) => {
  if (knownCollections.has(event.target.value)) showCollection(event.target.value).catch(fail)
})
document.getElementById('logout').addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session').catch(() => undefined)
  location.assign('/login')
})
document.getElementById('search').addEventListener('submit', search)
// "/" jumps to the search box from anywhere but a field.
document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.target.closest?.('input, select, textarea')) return
  event.preventDefault()
  document.querySelector('#search input[name="q"]').focus()
})

async function start() {
  csrf = (await api('GET', '/api/v1/session')).csrfToken
  const first = await api('GET', '/api/v1/curation/search?limit=1')
  themes = first.themes
  hideReasons = first.hideReasons
  const select = document.querySelector('#search select[name="theme"]')
  for (const id of themes) select.append(new Option(id, id))
  await loadCollections()
  await search()
}
start().catch(fail)
