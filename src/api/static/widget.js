// <plaudit-reviews collection="home" layout="carousel|grid|list|badge" max="6" theme="posture">
// One small self-contained script, configured by attributes. It makes one request (the feed), sets
// no cookie, and places every string with textContent: review text and names are hostile input.
// Give the element its height in the page (style="display:block;height:…") so nothing shifts
// when the script arrives; the widget fills exactly that box and scrolls inside it if it must.
;(() => {
  if (!window.customElements || customElements.get('plaudit-reviews')) return
  const script = document.currentScript
  const base = script && script.src ? new URL('.', script.src).href : new URL('/', location.href).href
  const LAYOUTS = ['carousel', 'grid', 'list', 'badge']
  const light = '--bg:var(--plaudit-bg,#fff);--fg:var(--plaudit-text,#1f2933);--muted:var(--plaudit-muted,#52606d);--line:var(--plaudit-border,#d9e2ec);--accent:var(--plaudit-accent,#1d4ed8);--star:var(--plaudit-star,#9a5b00)'
  const dark = '--bg:var(--plaudit-bg,#1b1f24);--fg:var(--plaudit-text,#e6edf3);--muted:var(--plaudit-muted,#a9b4c0);--line:var(--plaudit-border,#3a434d);--accent:var(--plaudit-accent,#8ab4ff);--star:var(--plaudit-star,#f2c14e)'
  const css = `:host{${light};all:initial;display:block;box-sizing:border-box;height:var(--plaudit-height,480px);contain:layout paint;font:var(--plaudit-font-size,15px)/1.5 var(--plaudit-font,system-ui,sans-serif);color:var(--fg)}
:host([layout=badge]){height:var(--plaudit-height,64px)}:host([layout=carousel]){height:var(--plaudit-height,320px)}
@media (prefers-color-scheme:dark){:host(:not([color-scheme=light])){${dark}}}:host([color-scheme=dark]){${dark}}:host([hidden]){display:none}
*{box-sizing:border-box}section{height:100%;display:flex;flex-direction:column;gap:.5rem;background:var(--bg);border:1px solid var(--line);border-radius:var(--plaudit-radius,10px);padding:.75rem;overflow:hidden}
h2{font-size:1em;font-weight:600;margin:0}.agg{margin:0;color:var(--muted);font-size:.9em}a{color:var(--accent)}
.body{flex:1;min-height:0;overflow:auto}ul{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}
.grid ul{grid-template-columns:repeat(auto-fill,minmax(min(100%,240px),1fr))}
li{border:1px solid var(--line);border-radius:8px;padding:.75rem;min-width:0;overflow-wrap:anywhere}
blockquote{margin:.25rem 0;unicode-bidi:plaintext}.meta{font-size:.85em;color:var(--muted);margin:0}.stars{color:var(--star);letter-spacing:1px}
bdi{unicode-bidi:isolate}.carousel .body{overflow:hidden}.carousel ul{display:flex;gap:0;height:100%}
.carousel li{flex:0 0 100%;overflow:auto;border:0;padding:0 .25rem}
@media (prefers-reduced-motion:no-preference){.carousel ul{transition:transform .3s ease}}
.nav{display:flex;align-items:center;gap:.5rem}.nav span{flex:1;text-align:center;font-size:.85em;color:var(--muted)}
button{font:inherit;color:var(--fg);background:transparent;border:1px solid var(--line);border-radius:6px;min-width:2.75rem;min-height:2.75rem;cursor:pointer}
button:disabled{opacity:.4;cursor:default}:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.badge{flex-direction:row;align-items:center;flex-wrap:wrap;padding:.5rem .75rem}.badge .agg{color:var(--fg)}
.foot{margin:0;font-size:.9em}`

  const el = (tag, text, cls) => {
    const node = document.createElement(tag)
    if (text != null) node.textContent = String(text)
    if (cls) node.className = cls
    return node
  }
  const bdi = (text) => el('bdi', text)
  // Only http(s) links, whatever the feed says: a javascript: URL must never become an href.
  const link = (text, href) => {
    let url
    try {
      url = new URL(href, base)
    } catch {
      return null
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
    const a = el('a', text)
    a.href = url.href
    a.rel = 'noopener nofollow'
    a.target = '_blank'
    return a
  }
  // Whole stars never round up: 4.6 shows four filled stars and says "4.6 out of 5 stars".
  const stars = (rating) => {
    const value = Math.max(0, Math.min(5, Number(rating) || 0))
    const n = Math.floor(value)
    const node = el('span', '★'.repeat(n) + '☆'.repeat(5 - n), 'stars')
    node.setAttribute('role', 'img')
    node.setAttribute('aria-label', `${value} out of 5 stars`)
    return node
  }
  const time = (date) => {
    const node = el('time', date)
    node.dateTime = date
    return node
  }

  class PlauditReviews extends HTMLElement {
    static get observedAttributes() {
      return ['layout', 'max', 'theme']
    }

    connectedCallback() {
      if (!this.shadowRoot) this.attachShadow({ mode: 'open' }).append(el('style', css))
      if (this.feed || this.observer) return
      // Nothing is fetched until the element comes near the viewport.
      if (!window.IntersectionObserver) return void this.load()
      this.observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting)) return
          this.observer.disconnect()
          this.load()
        },
        { rootMargin: '300px' },
      )
      this.observer.observe(this)
    }

    disconnectedCallback() {
      if (this.observer) this.observer.disconnect()
      this.observer = null
    }

    attributeChangedCallback() {
      if (this.feed) this.render()
    }

    async load() {
      const slug = this.getAttribute('collection') || ''
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(slug)) return
      try {
        const response = await fetch(`${base}api/public/v1/collections/${slug}`, { credentials: 'omit' })
        if (!response.ok) throw new Error(`feed ${slug}: HTTP ${response.status}`)
        this.feed = await response.json()
      } catch (error) {
        this.dispatchEvent(new CustomEvent('plaudit-error', { bubbles: true, detail: { message: String(error) } }))
      }
    }

    // The curation workspace also sets a feed directly, to preview it exactly as it will be shown.
    set feed(feed) {
      this._feed = feed
      if (!this.shadowRoot) this.attachShadow({ mode: 'open' }).append(el('style', css))
      if (feed) this.render()
    }

    get feed() {
      return this._feed
    }

    render() {
      const feed = this.feed
      const layout = LAYOUTS.includes(this.getAttribute('layout')) ? this.getAttribute('layout') : 'grid'
      const max = Math.max(1, Math.min(50, parseInt(this.getAttribute('max') || '6', 10) || 6))
      const wanted = (this.getAttribute('theme') || '').split(/[\s,]+/).filter(Boolean)
      const items = (feed.testimonials || []).filter((t) => wanted.length === 0 || wanted.some((w) => (t.themes || []).includes(w))).slice(0, max)
      const section = el('section', null, layout)
      section.setAttribute('role', 'region')
      section.setAttribute('aria-label', feed.label)
      section.append(el('h2', feed.label))
      const agg = feed.aggregate
      if (agg) {
        const onGoogle = agg.source !== 'import' && agg.url
        const line = el('p', null, 'agg')
        line.append(stars(agg.rating), ` ${Number(agg.rating).toFixed(1)} average over all ${agg.count} ${onGoogle ? 'Google ' : ''}reviews`)
        section.append(line)
      }
      if (layout !== 'badge') section.append(layout === 'carousel' ? this.carousel(items) : this.list(items))
      const all = agg && agg.source !== 'import' && agg.url ? link(`See all ${agg.count} reviews on Google`, agg.url) : feed.allReviewsPath ? link(agg ? `See all ${agg.count} reviews` : 'See all reviews', feed.allReviewsPath) : null
      if (all) {
        const foot = el('p', null, 'foot')
        foot.append(all)
        section.append(foot)
      }
      this.shadowRoot.replaceChildren(this.shadowRoot.firstChild, section)
      this.dispatchEvent(new CustomEvent('plaudit-rendered', { bubbles: true, detail: { layout, count: layout === 'badge' ? 0 : items.length } }))
    }

    item(t) {
      const li = el('li')
      const meta = el('p', null, 'meta')
      meta.append(bdi(t.attribution), ' · ', time(t.date))
      const check = el('p', null, 'meta')
      check.append(t.verification)
      if (t.checked) check.append(' · checked ', time(t.checked))
      li.append(stars(t.rating), el('blockquote', t.excerpt), meta, check)
      const source = t.reviewUrl && link(t.verification.includes('Google') ? 'Read it on Google' : 'Read the full review', t.reviewUrl)
      if (source) {
        const p = el('p', null, 'meta')
        p.append(source)
        li.append(p)
      }
      return li
    }

    list(items) {
      const body = el('div', null, 'body')
      const ul = el('ul')
      // Some browsers drop list semantics with list-style:none; say it outright.
      ul.setAttribute('role', 'list')
      ul.append(...items.map((t) => this.item(t)))
      body.append(ul)
      return body
    }

    carousel(items) {
      const wrap = el('div', null, 'body')
      wrap.setAttribute('role', 'group')
      wrap.setAttribute('aria-roledescription', 'carousel')
      wrap.setAttribute('aria-label', 'Testimonials, one at a time')
      wrap.tabIndex = 0
      const ul = el('ul')
      const slides = items.map((t, i) => {
        const li = this.item(t)
        li.setAttribute('role', 'group')
        li.setAttribute('aria-roledescription', 'slide')
        li.setAttribute('aria-label', `${i + 1} of ${items.length}`)
        return li
      })
      ul.append(...slides)
      wrap.append(ul)
      const nav = el('div', null, 'nav')
      const prev = el('button', '‹')
      const next = el('button', '›')
      prev.type = next.type = 'button'
      prev.setAttribute('aria-label', 'Previous review')
      next.setAttribute('aria-label', 'Next review')
      const status = el('span')
      status.setAttribute('aria-live', 'polite')
      nav.append(prev, status, next)
      let at = 0
      const show = (i) => {
        at = Math.max(0, Math.min(items.length - 1, i))
        ul.style.transform = `translateX(${-100 * at}%)`
        slides.forEach((s, j) => {
          s.inert = j !== at
          s.setAttribute('aria-hidden', String(j !== at))
        })
        prev.disabled = at === 0
        next.disabled = at >= items.length - 1
        status.textContent = items.length ? `Review ${at + 1} of ${items.length}` : ''
      }
      prev.onclick = () => show(at - 1)
      next.onclick = () => show(at + 1)
      wrap.onkeydown = nav.onkeydown = (e) => {
        const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: items.length - 1 }[e.key]
        if (to === undefined) return
        e.preventDefault()
        show(to)
      }
      show(0)
      const frag = document.createDocumentFragment()
      frag.append(wrap, nav)
      return frag
    }
  }
  customElements.define('plaudit-reviews', PlauditReviews)
})()
