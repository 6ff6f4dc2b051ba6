// <plaudit-reviews collection="slug">: shows a published collection. Review text is hostile
// input, so every string goes in through textContent, never as HTML.
(() => {
  if (customElements.get('plaudit-reviews')) return
  const script = document.currentScript
  const base = script && script.src ? new URL('.', script.src).href : '/'
  const css = `:host{display:block;font:15px/1.5 system-ui,sans-serif;color:var(--plaudit-text,#1f2933);min-height:var(--plaudit-min-height,180px)}
.label{font-weight:600;margin:0 0 .25rem}.agg{margin:0 0 .75rem;color:var(--plaudit-muted,#52606d)}
ul{list-style:none;margin:0;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
li{border:1px solid var(--plaudit-border,#d9e2ec);border-radius:8px;padding:.75rem;background:var(--plaudit-bg,#fff)}
blockquote{margin:.25rem 0}.meta{font-size:.85em;color:var(--plaudit-muted,#52606d)}.stars{color:#b7791f}a{color:inherit}`

  const el = (tag, text, cls) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (cls) node.className = cls
    return node
  }

  class PlauditReviews extends HTMLElement {
    async connectedCallback() {
      const root = this.shadowRoot || this.attachShadow({ mode: 'open' })
      const slug = this.getAttribute('collection') || ''
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(slug)) return
      const response = await fetch(`${base}api/public/v1/collections/${slug}`, { credentials: 'omit' })
      if (!response.ok) return
      const feed = await response.json()
      const section = el('section')
      section.setAttribute('aria-label', feed.label)
      section.append(el('style', css), el('p', feed.label, 'label'))
      if (feed.aggregate) {
        const checked = feed.aggregate.checkedAt ? ` · checked ${feed.aggregate.checkedAt}` : ''
        const agg = el('p', `${feed.aggregate.rating.toFixed(1)} ★ average over all ${feed.aggregate.count} reviews${checked}`, 'agg')
        section.append(agg)
      }
      const list = el('ul')
      for (const t of feed.testimonials) {
        const item = el('li')
        const stars = el('div', '★'.repeat(t.rating) + '☆'.repeat(5 - t.rating), 'stars')
        stars.setAttribute('aria-label', `${t.rating} out of 5 stars`)
        const meta = el('div', `${t.attribution} · ${t.date} · ${t.verification}`, 'meta')
        item.append(stars, el('blockquote', t.excerpt), meta)
        if (t.reviewUrl && /^https?:/.test(t.reviewUrl)) {
          const link = el('a', 'Read the full review')
          link.href = t.reviewUrl
          link.rel = 'noopener nofollow'
          item.append(link)
        }
        list.append(item)
      }
      section.append(list)
      root.replaceChildren(section)
    }
  }
  customElements.define('plaudit-reviews', PlauditReviews)
})()
