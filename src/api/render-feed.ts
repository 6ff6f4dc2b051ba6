import { createHash } from 'node:crypto'
import type { PublicFeed } from '../domain/feed.ts'

/** Every character that could end a text node or an attribute value becomes an entity. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)

export const HTML_LAYOUTS = ['grid', 'list', 'badge'] as const
export type HtmlLayout = (typeof HTML_LAYOUTS)[number]

export interface HtmlOptions {
  /** Where relative links (the all-reviews page) point, e.g. "https://reviews.example.com/". */
  origin: string
  layout: HtmlLayout
  max: number
  themes: string[]
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is dropped. */
function safeHref(href: string | null, origin: string): string | null {
  if (!href) return null
  try {
    const url = new URL(href, origin)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

/** Whole stars never round up: 4.6 shows four filled stars and says "4.6 out of 5 stars". */
const stars = (rating: number) => {
  const value = Math.max(0, Math.min(5, rating))
  const n = Math.floor(value)
  return `<span class="plaudit-stars" role="img" aria-label="${value} out of 5 stars">${'★'.repeat(n)}${'☆'.repeat(5 - n)}</span>`
}
const anchor = (text: string, href: string) => `<a href="${escapeHtml(href)}" rel="noopener nofollow" target="_blank">${escapeHtml(text)}</a>`

/**
 * The same content as the widget, as plain HTML with no script: for a page that pastes it or
 * fetches it at build time. Every string from the feed is escaped.
 */
export function renderFeedHtml(feed: PublicFeed, options: HtmlOptions): string {
  const picked = feed.testimonials.filter((t) => options.themes.length === 0 || options.themes.some((w) => t.themes.includes(w))).slice(0, options.max)
  const agg = feed.aggregate
  const onGoogle = agg !== null && agg.source !== 'import' && agg.url !== null
  const parts = [`<section class="plaudit plaudit-${options.layout}" aria-label="${escapeHtml(feed.label)}">`, `<h2>${escapeHtml(feed.label)}</h2>`]
  if (agg) parts.push(`<p class="plaudit-agg">${stars(agg.rating)} ${agg.rating.toFixed(1)} average over all ${agg.count} ${onGoogle ? 'Google ' : ''}reviews</p>`)
  if (options.layout !== 'badge') {
    parts.push('<ul>')
    for (const t of picked) {
      const source = safeHref(t.reviewUrl, options.origin)
      parts.push(
        `<li>${stars(t.rating)}<blockquote>${escapeHtml(t.excerpt)}</blockquote>`,
        `<p class="plaudit-meta"><bdi>${escapeHtml(t.attribution)}</bdi> · <time datetime="${escapeHtml(t.date)}">${escapeHtml(t.date)}</time></p>`,
        `<p class="plaudit-meta">${escapeHtml(t.verification)}${t.checked ? ` · checked <time datetime="${escapeHtml(t.checked)}">${escapeHtml(t.checked)}</time>` : ''}</p>`,
        source ? `<p class="plaudit-meta">${anchor(t.verification.includes('Google') ? 'Read it on Google' : 'Read the full review', source)}</p>` : '',
        '</li>',
      )
    }
    parts.push('</ul>')
  }
  const all = onGoogle ? safeHref(agg.url, options.origin) : safeHref(feed.allReviewsPath, options.origin)
  if (all) parts.push(`<p class="plaudit-foot">${anchor(onGoogle ? `See all ${agg.count} reviews on Google` : agg ? `See all ${agg.count} reviews` : 'See all reviews', all)}</p>`)
  parts.push('</section>')
  return parts.join('')
}

const EMBED_CSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#1f2933;--muted:#52606d;--line:#d9e2ec;--accent:#1d4ed8;--star:#9a5b00}
@media (prefers-color-scheme:dark){:root{--bg:#1b1f24;--fg:#e6edf3;--muted:#a9b4c0;--line:#3a434d;--accent:#8ab4ff;--star:#f2c14e}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,sans-serif}
.plaudit{padding:.75rem}h2{font-size:1em;margin:0 0 .25rem}.plaudit-agg,.plaudit-meta{color:var(--muted);margin:0;font-size:.9em}a{color:var(--accent)}
ul{list-style:none;margin:.5rem 0;padding:0;display:grid;gap:.75rem}.plaudit-grid ul{grid-template-columns:repeat(auto-fill,minmax(min(100%,240px),1fr))}
li{border:1px solid var(--line);border-radius:8px;padding:.75rem;min-width:0;overflow-wrap:anywhere}blockquote{margin:.25rem 0;unicode-bidi:plaintext}
bdi{unicode-bidi:isolate}.plaudit-stars{color:var(--star)}.plaudit-foot{margin:.5rem 0 0}`

/**
 * The iframe page allows no script at all and only its own stylesheet (by hash); links open
 * outside the frame. Any site may frame it: that is its purpose.
 */
export const EMBED_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(EMBED_CSS).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ')

export function renderEmbedPage(feed: PublicFeed, options: HtmlOptions): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(feed.label)}</title><style>${EMBED_CSS}</style></head><body>${renderFeedHtml(feed, options)}</body></html>`
}
