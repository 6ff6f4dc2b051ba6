import type { DashboardFigures, ThemeFigures } from '../services/dashboard.ts'
import { ANONYMOUS_REVIEWER } from '../domain/attribution.ts'
import { monthRange, type DayRange } from '../domain/dashboard.ts'

/** No inline script, no inline style, nothing from another origin: the page's code is /assets/*.js. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const attr = escapeHtml

export interface PageQuery {
  period: string
  from?: string | undefined
  to?: string | undefined
  location?: string | undefined
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`

function hoursInWords(hours: number | null): string {
  if (hours === null) return 'no replies yet'
  if (hours < 48) return `${hours} hours`
  return `${Math.round((hours / 24) * 10) / 10} days`
}

function age(iso: string | null, now: Date): string {
  if (!iso) return 'never'
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000))
  if (minutes < 120) return `${minutes} min ago`
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`
  return `${Math.round(minutes / 1440)} days ago`
}

/** Opens the reviews behind a figure: a real link to the JSON, which dashboard.js turns into a panel. */
function drill(
  figures: DashboardFigures,
  value: number | string,
  range: DayRange,
  filter: { theme?: string; polarity?: string; rating?: number },
  label: string,
): string {
  const params = new URLSearchParams({ from: range.from, to: range.to })
  if (filter.theme) params.set('theme', filter.theme)
  if (filter.polarity) params.set('polarity', filter.polarity)
  if (filter.rating !== undefined) params.set('rating', String(filter.rating))
  const href = `/api/v1/locations/${encodeURIComponent(figures.location.id)}/dashboard/reviews?${params}`
  return `<a class="drill" href="${attr(href)}" data-label="${attr(label)}">${escapeHtml(String(value))}</a>`
}

const rangeText = (r: DayRange) => `${r.from} – ${r.to}`

function themeCells(f: DashboardFigures, theme: string, label: string, t: ThemeFigures, range: DayRange, when: string): string {
  return [
    `<td>${drill(f, t.reviews, range, { theme }, `${label}, all mentions, ${when}`)}</td>`,
    `<td>${percent(t.share)}</td>`,
    `<td>${drill(f, t.positive, range, { theme, polarity: 'positive' }, `${label} praise, ${when}`)}</td>`,
    `<td>${drill(f, t.negative, range, { theme, polarity: 'negative' }, `${label} complaints, ${when}`)}</td>`,
    `<td>${drill(f, t.mixed, range, { theme, polarity: 'mixed' }, `${label} mixed, ${when}`)}</td>`,
  ].join('')
}

function body(f: DashboardFigures, locations: string[], query: PageQuery, now: Date): string {
  const { current, previous } = f.period
  const thisPeriod = `this period (${rangeText(current)})`
  const lastPeriod = `previous period (${rangeText(previous)})`
  const changes = f.changes.length
    ? f.changes
        .map((c) => `<li class="${c.polarity}">${escapeHtml(c.words)} <span class="hint">(${drill(f, 'see reviews', current, { theme: c.theme, polarity: c.polarity }, `${c.words}: reviews of ${thisPeriod}`)})</span></li>`)
        .join('')
    : '<li>No theme moved between the two periods.</li>'

  const starRows = (['5', '4', '3', '2', '1'] as const)
    .map((s) => `<tr><th scope="row">${s} ★</th><td>${drill(f, f.stars.current[s], current, { rating: Number(s) }, `${s}-star reviews, ${thisPeriod}`)}</td><td>${drill(f, f.stars.previous[s], previous, { rating: Number(s) }, `${s}-star reviews, ${lastPeriod}`)}</td></tr>`)
    .join('')

  const themeRows = f.themes
    .map((t) => `<tr data-theme="${attr(t.theme)}"><th scope="row">${escapeHtml(t.label)}</th>${themeCells(f, t.theme, t.label, t.current, current, thisPeriod)}${themeCells(f, t.theme, t.label, t.previous, previous, lastPeriod)}</tr>`)
    .join('')

  const first = f.themes[0]?.theme
  const trendBodies = f.themes
    .map((t) => {
      const s = f.trend.themes[t.theme]!
      const rows = f.trend.months
        .map((month, i) => {
          const r = monthRange(month)
          const when = `${month}`
          return `<tr><th scope="row">${month}</th><td>${drill(f, f.trend.volume[i]!, r, {}, `All reviews, ${when}`)}</td><td>${drill(f, s.reviews[i]!, r, { theme: t.theme }, `${t.label}, ${when}`)}</td><td>${percent(s.share[i]!)}</td><td>${drill(f, s.positive[i]!, r, { theme: t.theme, polarity: 'positive' }, `${t.label} praise, ${when}`)}</td><td>${drill(f, s.negative[i]!, r, { theme: t.theme, polarity: 'negative' }, `${t.label} complaints, ${when}`)}</td><td>${drill(f, s.mixed[i]!, r, { theme: t.theme, polarity: 'mixed' }, `${t.label} mixed, ${when}`)}</td></tr>`
        })
        .join('')
      return `<tbody data-theme="${attr(t.theme)}"${t.theme === first ? '' : ' hidden'}>${rows}</tbody>`
    })
    .join('')
  const themeOptions = f.themes.map((t) => `<option value="${attr(t.theme)}">${escapeHtml(t.label)}</option>`).join('')

  const r = f.replies
  const waiting = r.oldestWaiting
    .map((w) => {
      const text = w.text.length > 160 ? `${w.text.slice(0, 160)}…` : w.text
      const link = w.answerUrl ? ` <a href="${attr(w.answerUrl)}" rel="noopener noreferrer" target="_blank">Answer on Google</a>` : ''
      return `<li><span class="meta">${w.createdAt.slice(0, 10)} · ${w.rating} ★ · ${escapeHtml(w.author ?? ANONYMOUS_REVIEWER)} · ${escapeHtml(w.source)}</span><br><span class="quote">${escapeHtml(text) || '<em>(rating only)</em>'}</span>${link}</li>`
    })
    .join('')

  const sources = f.health.sources
    .map((s) => `<tr class="${s.status}"><th scope="row">${escapeHtml(s.source)}</th><td>${s.status.replace('_', ' ')}</td><td>${s.lastSuccessAt ? `${escapeHtml(s.lastSuccessAt)} (${age(s.lastSuccessAt, now)})` : 'never'}</td><td>${s.needsReauth ? 'yes' : 'no'}</td><td>${escapeHtml(s.lastError ?? '')}</td><td>${escapeHtml(s.advice)}</td></tr>`)
    .join('')
  const agg = f.health.aggregate
  const aggregate = agg
    ? `Aggregate shown beside testimonials: ${agg.rating.toFixed(1)} ★ over ${agg.count} reviews (${escapeHtml(agg.source)}), checked ${agg.checkedAt ? `${escapeHtml(agg.checkedAt)}, ${age(agg.checkedAt, now)}` : 'never'}.`
    : 'No aggregate rating yet.'

  const csvParams = (table: string) => {
    const p = new URLSearchParams({ location: f.location.id, period: query.period, table })
    if (query.period === 'custom') {
      p.set('from', current.from)
      p.set('to', current.to)
    }
    return `/app/dashboard/export.csv?${p}`
  }
  const trendData = {
    anonymousReviewer: ANONYMOUS_REVIEWER,
    months: f.trend.months,
    themes: Object.fromEntries(f.themes.map((t) => [t.theme, { label: t.label, positive: f.trend.themes[t.theme]!.positive, negative: f.trend.themes[t.theme]!.negative, mixed: f.trend.themes[t.theme]!.mixed }])),
  }

  return `<header>
<h1>What patients say <span class="where">${escapeHtml(f.location.name)}</span></h1>
${form(locations, f.location.id, query, current)}
<p class="period">${rangeText(current)} (${f.period.days} days) compared with ${rangeText(previous)}</p>
</header>
<main>
<section id="summary" class="cards">
<div class="card"><h2>Reviews</h2><p class="big">${drill(f, f.volume.current, current, {}, `All reviews, ${thisPeriod}`)}</p><p>previous: ${drill(f, f.volume.previous, previous, {}, `All reviews, ${lastPeriod}`)}</p></div>
<div class="card"><h2>Average stars</h2><p class="big">${f.stars.averageCurrent ?? '–'}</p><p>previous: ${f.stars.averagePrevious ?? '–'}</p></div>
<div class="card"><h2>Waiting for a reply</h2><p class="big">${r.waiting}</p><p>reply rate ${r.replyRate === null ? '–' : percent(r.replyRate)} · median ${hoursInWords(r.medianHoursToReply)}</p></div>
</section>
<section id="changes"><h2>Biggest changes</h2><ul>${changes}</ul></section>
<section id="drill" hidden aria-live="polite" tabindex="-1"><button type="button" id="drill-close">Close</button><h2 id="drill-title">Reviews</h2><p id="drill-count"></p><ol id="drill-list"></ol></section>
<section id="trend"><h2>Trend by month</h2>
<label for="trend-theme">Theme</label> <select id="trend-theme">${themeOptions}</select>
<div id="trend-chart" aria-hidden="true"></div>
<table id="trend-table"><caption>Reviews mentioning the theme per month, by polarity (the numbers in the chart)</caption>
<thead><tr><th scope="col">Month</th><th scope="col">All reviews</th><th scope="col">Mentioning</th><th scope="col">Share</th><th scope="col">Praise</th><th scope="col">Complaints</th><th scope="col">Mixed</th></tr></thead>${trendBodies}</table>
</section>
<section id="themes"><h2>Themes</h2>
<table id="themes-table"><caption>Reviews mentioning each theme: ${rangeText(current)} against ${rangeText(previous)}</caption>
<thead><tr><th scope="col" rowspan="2">Theme</th><th scope="colgroup" colspan="5">This period</th><th scope="colgroup" colspan="5">Previous period</th></tr>
<tr><th scope="col">Reviews</th><th scope="col">Share</th><th scope="col">Praise</th><th scope="col">Complaints</th><th scope="col">Mixed</th><th scope="col">Reviews</th><th scope="col">Share</th><th scope="col">Praise</th><th scope="col">Complaints</th><th scope="col">Mixed</th></tr></thead>
<tbody>${themeRows}</tbody></table>
</section>
<section id="stars"><h2>Stars</h2>
<table id="stars-table"><caption>Reviews by star rating</caption><thead><tr><th scope="col">Stars</th><th scope="col">This period</th><th scope="col">Previous period</th></tr></thead><tbody>${starRows}</tbody></table>
</section>
<section id="replies"><h2>Replies</h2>
<p>${r.waiting} review(s) without a reply. Of the ${r.reviewsInPeriod} reviews of this period, ${r.repliedInPeriod} have a reply${r.replyRate === null ? '' : ` (${percent(r.replyRate)})`}; median time to reply: ${hoursInWords(r.medianHoursToReply)}.</p>
<ol id="waiting-list">${waiting}</ol>
</section>
<section id="health"><h2>Sources</h2>
<table id="health-table"><caption>Health of each source</caption><thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Last successful sync</th><th scope="col">Needs re-authorisation</th><th scope="col">Last error</th><th scope="col">What to do</th></tr></thead>
<tbody>${sources || '<tr><td colspan="6">No source has run yet.</td></tr>'}</tbody></table>
<p>${aggregate} ${f.health.waitingForAnalysis} review(s) waiting for theme tagging.</p>
</section>
<section id="export"><h2>Export</h2><p>CSV (opens in a spreadsheet; text that looks like a formula is neutralised):
<a href="${attr(csvParams('themes'))}">themes</a> · <a href="${attr(csvParams('trend'))}">trend by month</a> · <a href="${attr(csvParams('stars'))}">stars</a> · <a href="${attr(csvParams('replies'))}">reviews waiting for a reply</a>.
Everything the practice has, as JSON: <code>plaudit export</code>.</p></section>
</main>
<script type="application/json" id="dashboard-data">${JSON.stringify(trendData).replace(/</g, '\\u003c')}</script>`
}

function form(locations: string[], selected: string | undefined, query: PageQuery, current: DayRange | null): string {
  const options = locations.map((id) => `<option value="${attr(id)}"${id === selected ? ' selected' : ''}>${escapeHtml(id)}</option>`).join('')
  const periods = [
    ['30', 'Last 30 days'],
    ['90', 'Last 90 days'],
    ['365', 'Last 365 days'],
    ['custom', 'Custom'],
  ]
    .map(([value, label]) => `<option value="${value}"${value === query.period ? ' selected' : ''}>${label}</option>`)
    .join('')
  return `<form method="get" action="/app/dashboard" id="period-form">
<label>Location <select name="location">${options}</select></label>
<label>Period <select name="period" id="period">${periods}</select></label>
<label>From <input type="date" name="from" value="${attr(query.from ?? current?.from ?? '')}"></label>
<label>To <input type="date" name="to" value="${attr(query.to ?? current?.to ?? '')}"></label>
<button type="submit">Show</button></form>`
}

export function renderDashboardPage(params: { figures: DashboardFigures | null; locations: string[]; query: PageQuery; now: Date }): string {
  const { figures } = params
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Dashboard${figures ? ` – ${escapeHtml(figures.location.name)}` : ''} – Plaudit</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/uplot.min.css"><link rel="stylesheet" href="/assets/dashboard.css">
</head><body>
${figures ? body(figures, params.locations, params.query, params.now) : `<header><h1>What patients say</h1></header><main><p>No location yet: import reviews first (<code>plaudit import reviews.csv --location clinic</code>).</p></main>`}
<script src="/assets/uplot.min.js"></script><script src="/assets/dashboard.js"></script>
</body></html>`
}
