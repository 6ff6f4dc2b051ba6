// Plaudit owner dashboard: draws the theme trend with uPlot (served from /assets, never a CDN) and
// opens the reviews behind a figure. Review text is hostile input: it is only ever placed with
// textContent, and the evidence is highlighted by building text nodes and <mark> elements.
;(function () {
  'use strict'
  var dataNode = document.getElementById('dashboard-data')
  if (!dataNode) return
  var data = JSON.parse(dataNode.textContent)
  var select = document.getElementById('trend-theme')
  var chartBox = document.getElementById('trend-chart')
  var COLORS = { positive: '#2f855a', negative: '#c53030', mixed: '#b7791f' }
  var NAMES = { positive: 'Praise', negative: 'Complaints', mixed: 'Mixed' }
  var chart = null

  function monthStart(month) {
    var parts = month.split('-')
    return Date.UTC(Number(parts[0]), Number(parts[1]) - 1, 1) / 1000
  }

  function drawTrend(theme) {
    var series = data.themes[theme]
    if (!series || typeof uPlot !== 'function') return
    var x = data.months.map(monthStart)
    var options = {
      width: Math.max(320, chartBox.clientWidth || 720),
      height: 260,
      scales: { x: { time: true } },
      axes: [{ values: function (_u, ticks) { return ticks.map(function (t) { return new Date(t * 1000).toISOString().slice(0, 7) }) } }, { label: 'reviews', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }],
      series: [{ label: 'Month', value: function (_u, v) { return v == null ? '' : new Date(v * 1000).toISOString().slice(0, 7) } }].concat(
        ['positive', 'negative', 'mixed'].map(function (p) {
          return { label: NAMES[p], stroke: COLORS[p], width: 2, points: { show: true, size: 6, fill: COLORS[p] } }
        }),
      ),
    }
    if (chart) chart.destroy()
    chart = new uPlot(options, [x, series.positive, series.negative, series.mixed], chartBox)
    chartBox.dataset.theme = theme
    chartBox.dataset.drawn = 'true'
  }

  function showTrendTable(theme) {
    var bodies = document.querySelectorAll('#trend-table tbody')
    for (var i = 0; i < bodies.length; i++) bodies[i].hidden = bodies[i].dataset.theme !== theme
  }

  if (select) {
    select.addEventListener('change', function () {
      showTrendTable(select.value)
      drawTrend(select.value)
    })
    drawTrend(select.value)
  }

  // The custom dates only matter for a custom period.
  var period = document.getElementById('period')
  var form = document.getElementById('period-form')
  if (period && form) {
    var toggleDates = function () {
      var custom = period.value === 'custom'
      var inputs = form.querySelectorAll('input[type=date]')
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].disabled = !custom
        inputs[i].required = custom
      }
    }
    period.addEventListener('change', toggleDates)
    toggleDates()
  }

  // ---- drill-down ----
  var panel = document.getElementById('drill')
  var title = document.getElementById('drill-title')
  var count = document.getElementById('drill-count')
  var list = document.getElementById('drill-list')
  var closeButton = document.getElementById('drill-close')

  /** The review text as text nodes, with each evidence span [start, end) in a <mark>. */
  function highlighted(text, evidence) {
    var fragment = document.createDocumentFragment()
    var spans = evidence
      .filter(function (e) { return e.start >= 0 && e.end <= text.length && e.start < e.end })
      .sort(function (a, b) { return a.start - b.start || b.end - a.end })
    var at = 0
    spans.forEach(function (e) {
      if (e.end <= at) return
      var start = Math.max(e.start, at)
      if (start > at) fragment.appendChild(document.createTextNode(text.slice(at, start)))
      var mark = document.createElement('mark')
      mark.className = e.polarity
      mark.title = e.theme + ' (' + e.polarity + ')'
      mark.textContent = text.slice(start, e.end)
      fragment.appendChild(mark)
      at = e.end
    })
    if (at < text.length) fragment.appendChild(document.createTextNode(text.slice(at)))
    return fragment
  }

  function reviewItem(review) {
    var li = document.createElement('li')
    li.dataset.reviewId = review.id
    var meta = document.createElement('p')
    meta.className = 'meta'
    meta.textContent = review.createdAt.slice(0, 10) + ' · ' + review.rating + ' ★ · ' + (review.author || data.anonymousReviewer) + ' · ' + review.source
    li.appendChild(meta)
    var quote = document.createElement('blockquote')
    if (review.text) quote.appendChild(highlighted(review.text, review.evidence))
    else quote.textContent = '(rating only)'
    li.appendChild(quote)
    if (review.url) {
      var link = document.createElement('a')
      link.href = review.url
      link.rel = 'noopener noreferrer'
      link.target = '_blank'
      link.textContent = 'View on source'
      li.appendChild(link)
    }
    return li
  }

  function openDrill(link) {
    panel.hidden = false
    title.textContent = link.dataset.label || 'Reviews'
    count.textContent = 'Loading…'
    list.replaceChildren()
    fetch(link.href, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status)
        return response.json()
      })
      .then(function (result) {
        count.textContent = result.total === result.reviews.length ? result.total + ' review(s)' : 'the newest ' + result.reviews.length + ' of ' + result.total + ' reviews'
        result.reviews.forEach(function (review) { list.appendChild(reviewItem(review)) })
        panel.dataset.loaded = link.href
        panel.focus()
      })
      .catch(function (error) {
        count.textContent = 'Could not load the reviews (' + error.message + ').'
      })
  }

  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a.drill') : null
    if (!link || !panel) return
    event.preventDefault()
    openDrill(link)
  })
  if (closeButton) closeButton.addEventListener('click', function () { panel.hidden = true })
})()
