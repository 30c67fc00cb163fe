/* The compliance board: fetches board(...) from /graphql/, draws the rows and the month chart, shows a unit's
 * findings, and keeps the rows live through the boardUpdated subscription (graphql-transport-ws).
 * Plain JavaScript, no library. Every text comes from the page's JSON (#board-config), in its language.
 * Data is only ever put in the page with textContent/attributes, never as HTML. */
(function () {
  "use strict";

  const configElement = document.getElementById("board-config");
  if (!configElement) return;
  const config = JSON.parse(configElement.textContent);
  const S = config.strings;
  const locale = config.lang === "en" ? "en-GB" : "vi-VN";
  const SVG = "http://www.w3.org/2000/svg";
  const HIGHLIGHT_MS = 4000; // how long a row changed by a live update stays marked
  const ROWS_QUERY = `query Board($a: ID!, $y: Int!, $kind: OrgUnitKind, $severity: Severity, $sort: BoardSort,
      $first: Int, $after: String, $months: Boolean!) {
    board(authorityId: $a, year: $y, kind: $kind, severity: $severity, sort: $sort) {
      unitCount targetUnits visitedUnits coverage
      rows(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { rank score status unit { id code name } head { fullName }
          periodicVisits surpriseVisits visited findings { critical major minor total }
          overdueNow onTimeRate repeatFindings cctvFlags cameraTamperShare } } }
      months @include(if: $months) { month coverage onTime }
    } }`;
  const FINDINGS_QUERY = `query Findings($u: ID!) {
    findings(unit: $u, first: 50) { totalCount edges { node { id text severity deadline
      criterion { code textVi textEn } remediation { state deadline }
      evidence { thumbnailUrl originalUrl stored } } } }
    visits(unit: $u, first: 10) { edges { node { id plannedDate kind status
      answers { criterionCode result note criterion { textVi textEn } } } } } }`;
  const SUBSCRIPTION = `subscription($a: ID!, $y: Int) { boardUpdated(authorityId: $a, year: $y) {
    visitedUnits targetUnits coverage
    rows { rank score status unit { id code name } periodicVisits surpriseVisits visited
      findings { critical major minor total } overdueNow onTimeRate repeatFindings cctvFlags } } }`;

  const el = {
    rows: document.getElementById("board-rows"),
    coverageBar: document.getElementById("coverage-bar"),
    coverageText: document.getElementById("coverage-text"),
    chart: document.getElementById("month-chart"),
    drill: document.getElementById("drilldown"),
    drillTitle: document.getElementById("drilldown-title"),
    drillBody: document.getElementById("drilldown-body"),
    live: document.getElementById("live-status"),
    form: document.getElementById("filters"),
    kind: document.getElementById("filter-kind"),
    severity: document.getElementById("filter-severity"),
    sort: document.getElementById("filter-sort"),
    year: document.getElementById("filter-year"),
    apply: document.getElementById("filter-apply"),
  };

  const state = {
    filters: Object.assign({}, config.filters),
    rows: new Map(), // unit id -> row
    order: [], // unit ids in the table's order
    selected: null, // unit id shown in the drill-down
    loadSeq: 0,
    loading: false,
    reloadAfterLoad: false,
    pendingMarks: [],
    highlights: new Map(), // unit id -> when its row last changed (performance.now())
  };

  // --- helpers ---------------------------------------------------------------------------------------------

  function t(key, params) {
    let text = S[key] || key;
    if (params) {
      text = text.replace(/%\((\w+)\)[sd]/g, (match, name) => (name in params ? String(params[name]) : match));
    }
    return text;
  }

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function s(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    return node;
  }

  const percentFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const scoreFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dateFormat = new Intl.DateTimeFormat(locale, { year: "numeric", month: "2-digit", day: "2-digit" });

  function percent(value) {
    return value === null || value === undefined ? "—" : percentFormat.format(value);
  }

  function day(iso) {
    if (!iso) return "—";
    const [y, m, d] = iso.split("-").map(Number);
    return dateFormat.format(new Date(y, m - 1, d));
  }

  function cookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  async function gql(query, variables) {
    if (!cookie("csrftoken")) {
      // /graphql/ sets the CSRF cookie on GET (ensure_csrf_cookie); the page normally did already.
      await fetch(config.graphqlPath, { credentials: "same-origin", headers: { Accept: "application/json" } });
    }
    const response = await fetch(config.graphqlPath, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Accept-Language": config.lang,
        "X-CSRFToken": cookie("csrftoken"),
      },
      body: JSON.stringify({ query, variables }),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`HTTP ${response.status}`);
    }
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join("; "));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return body.data;
  }

  // --- rows ------------------------------------------------------------------------------------------------

  function statusCell(status) {
    return h("td", { "data-field": "status" },
      h("span", { className: `light light-${status.toLowerCase()}`, "aria-hidden": "true" }), " ",
      h("span", { className: "status-label" }, t(`status${status}`)));
  }

  function visitsText(row) {
    return t("visitsDetail", { periodic: row.periodicVisits, surprise: row.surpriseVisits });
  }

  function rowElement(row) {
    const unit = row.unit;
    const findings = row.findings;
    const cctvTitle = row.cameraTamperShare !== null && row.cameraTamperShare !== undefined
      ? t("cctvDetail", { share: percent(row.cameraTamperShare) }) : null;
    const tr = h("tr", {
      "data-unit-id": unit.id,
      "data-status": row.status,
      "data-visited": row.visited ? "true" : "false",
      tabindex: "0",
      className: state.selected === unit.id ? "selected" : null,
    },
    h("td", { className: "num", "data-field": "rank" }, row.rank),
    statusCell(row.status),
    h("td", { "data-field": "unit", title: t("showFindings", { unit: unit.name }) },
      h("span", { className: "unit-name" }, unit.name), " ",
      h("span", { className: "code" }, unit.code)),
    h("td", { "data-field": "head" }, row.head ? row.head.fullName
      : h("span", { className: "muted", title: t("noHead") }, "—")),
    h("td", { "data-field": "visits" }, visitsText(row)),
    h("td", { "data-field": "visited" },
      h("span", { className: "bar small" }, h("span", { style: `width: ${row.visited ? 100 : 0}%` })), " ",
      row.visited ? t("visited") : t("notVisited")),
    h("td", { className: "findings-cell",
      title: row.repeatFindings ? t("repeatDetail", { count: row.repeatFindings }) : null },
    ["CRITICAL", "MAJOR", "MINOR"].map((severity) => h("span", {
      className: `chip sev-${severity.toLowerCase()}`, "data-field": severity.toLowerCase(),
      title: config.severities[severity] }, findings[severity.toLowerCase()]))),
    h("td", { className: row.overdueNow ? "num overdue" : "num", "data-field": "overdue" }, row.overdueNow),
    h("td", { className: "num", "data-field": "onTime" }, percent(row.onTimeRate)),
    h("td", { className: "num", "data-field": "cctv", title: cctvTitle }, row.cctvFlags),
    h("td", { className: "num", "data-field": "score" }, h("strong", {}, scoreFormat.format(row.score))));
    const since = state.highlights.get(unit.id);
    if (since !== undefined) {
      // Drawn again (a refresh) while highlighted: the highlight goes on from where it was.
      const elapsed = performance.now() - since;
      if (elapsed < HIGHLIGHT_MS) {
        tr.classList.add("updated");
        tr.style.animationDelay = `-${Math.round(elapsed)}ms`;
        tr.title = t("updated");
      } else {
        state.highlights.delete(unit.id);
      }
    }
    return tr;
  }

  function renderRows() {
    const fragment = document.createDocumentFragment();
    for (const id of state.order) fragment.append(rowElement(state.rows.get(id)));
    if (!state.order.length) {
      fragment.append(h("tr", { className: "empty" }, h("td", { colspan: "11" }, t("noRows"))));
    }
    el.rows.replaceChildren(fragment);
  }

  function renderCoverage(figures) {
    const share = figures.coverage;
    const width = Math.min(100, Math.round((share || 0) * 100));
    el.coverageBar.setAttribute("aria-valuenow", String(width));
    el.coverageBar.firstElementChild.style.width = `${width}%`;
    if (figures.targetUnits) {
      el.coverageText.replaceChildren(
        t("coverageText", { visited: figures.visitedUnits, target: figures.targetUnits }), " (",
        h("span", { id: "coverage-percent" }, percent(share)), ")");
    } else {
      el.coverageText.replaceChildren(t("noTarget"));
    }
  }

  function message(text, className) {
    el.rows.replaceChildren(h("tr", { className: className || "empty" }, h("td", { colspan: "11" }, text)));
  }

  async function loadBoard({ withMonths = true, quiet = false } = {}) {
    const sequence = ++state.loadSeq;
    state.loading = true;
    document.body.dataset.loading = "true";
    const variables = {
      a: config.authorityId, y: config.year, first: config.maxRows, after: null, months: withMonths,
      kind: state.filters.kind || null, severity: state.filters.severity || null, sort: state.filters.sort || "RANK",
    };
    try {
      const rows = [];
      let board = null;
      for (;;) {
        const data = await gql(ROWS_QUERY, variables);
        if (sequence !== state.loadSeq) return; // a newer load started
        if (!data.board) {
          message(t("noBoard"), "empty error");
          return;
        }
        board = board || data.board;
        for (const edge of data.board.rows.edges) rows.push(edge.node);
        const page = data.board.rows.pageInfo;
        if (!page.hasNextPage) break;
        Object.assign(variables, { after: page.endCursor, months: false });
      }
      state.rows = new Map(rows.map((row) => [row.unit.id, row]));
      state.order = rows.map((row) => row.unit.id);
      renderRows();
      renderCoverage(board);
      if (board.months) renderChart(board.months);
      document.body.dataset.loaded = "true";
    } catch (error) {
      // A quiet refresh that fails leaves the rows as they are; the next update tries again.
      if (sequence === state.loadSeq && !quiet) message(t("loadFailed", { error: error.message }), "empty error");
    } finally {
      if (sequence === state.loadSeq) {
        state.loading = false;
        delete document.body.dataset.loading;
        if (state.reloadAfterLoad) {
          const marks = state.pendingMarks;
          state.reloadAfterLoad = false;
          state.pendingMarks = [];
          loadBoard({ withMonths: false }).then(() => markUpdated(marks));
        }
      }
    }
  }

  // --- month chart (inline SVG) ----------------------------------------------------------------------------

  function renderChart(months) {
    const width = 420;
    const height = 220;
    const pad = { left: 40, right: 12, top: 12, bottom: 34 };
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const x = (month) => pad.left + ((month - 1) / 11) * plotW;
    const y = (value) => pad.top + (1 - Math.max(0, Math.min(1, value))) * plotH;
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "month-chart",
      "aria-labelledby": "chart-title" });
    for (const level of [0, 0.25, 0.5, 0.75, 1]) {
      svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(level), y2: y(level),
        class: level === 1 ? "grid target" : "grid" }));
      const label = s("text", { x: pad.left - 6, y: y(level) + 4, class: "axis", "text-anchor": "end" });
      label.textContent = percent(level);
      svg.append(label);
    }
    for (let month = 1; month <= 12; month++) {
      const label = s("text", { x: x(month), y: height - pad.bottom + 16, class: "axis", "text-anchor": "middle" });
      label.textContent = String(month);
      svg.append(label);
    }
    const title = s("text", { x: pad.left + plotW / 2, y: height - 4, class: "axis", "text-anchor": "middle" });
    title.textContent = t("chartMonth");
    svg.append(title);

    let any = false;
    for (const [key, className, labelKey] of [["coverage", "series-coverage", "chartCoverage"],
      ["onTime", "series-ontime", "chartOnTime"]]) {
      let segment = [];
      const segments = [];
      for (const point of months) {
        if (point[key] === null || point[key] === undefined) {
          if (segment.length) segments.push(segment);
          segment = [];
        } else {
          segment.push(point);
        }
      }
      if (segment.length) segments.push(segment);
      for (const part of segments) {
        any = true;
        svg.append(s("polyline", { class: `line ${className}`,
          points: part.map((p) => `${x(p.month)},${y(p[key])}`).join(" ") }));
        for (const p of part) {
          const dot = s("circle", { cx: x(p.month), cy: y(p[key]), r: 3.5, class: `dot ${className}` });
          const tip = s("title");
          tip.textContent = `${t(labelKey)} — ${t("chartPoint", { month: p.month, value: percent(p[key]) })}`;
          dot.append(tip);
          svg.append(dot);
        }
      }
    }
    const legend = h("ul", { className: "chart-legend" },
      h("li", {}, h("span", { className: "swatch series-coverage" }), " ", t("chartCoverage")),
      h("li", {}, h("span", { className: "swatch series-ontime" }), " ", t("chartOnTime")));
    el.chart.replaceChildren(svg, legend);
    if (!any) el.chart.append(h("p", { className: "muted" }, t("chartEmpty")));
  }

  // A live update carries the changed rows only: the other rows' ranks and the month chart are brought up to
  // date by one quiet reload shortly after (several updates in a row make one reload).
  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => loadBoard({ quiet: true }), 1500);
  }

  // --- drill-down: a unit's findings -----------------------------------------------------------------------

  function findingElement(finding) {
    const criterion = finding.criterion;
    const criterionText = config.lang === "en" ? (criterion.textEn || criterion.textVi)
      : (criterion.textVi || criterion.textEn);
    const remediation = finding.remediation
      ? t("remediation", { state: config.remediationStates[finding.remediation.state] || finding.remediation.state,
        date: day(finding.remediation.deadline) })
      : t("noRemediation");
    const photos = finding.evidence.map((photo) => {
      if (!photo.stored || !photo.thumbnailUrl) {
        return h("span", { className: "photo pending" }, t("photoPending"));
      }
      return h("a", { className: "photo", href: photo.originalUrl || photo.thumbnailUrl, target: "_blank",
        rel: "noopener" }, h("img", { src: photo.thumbnailUrl, alt: t("photoAlt"), loading: "lazy" }));
    });
    return h("li", { className: `finding sev-${finding.severity.toLowerCase()}`, "data-finding-id": finding.id },
      h("div", { className: "finding-head" },
        h("span", { className: `badge sev-${finding.severity.toLowerCase()}` },
          config.severities[finding.severity] || finding.severity), " ",
        h("span", { className: "criterion" }, `${criterion.code} · ${criterionText}`)),
      h("p", { className: "finding-text" }, finding.text),
      h("p", { className: "finding-meta" }, t("deadline", { date: day(finding.deadline) }), " · ", remediation),
      photos.length ? h("div", { className: "photos" }, photos) : null);
  }

  // The checklist results of the unit's visits (those with answers the viewer may read), newest first.
  function checklistElements(visits) {
    const done = visits.filter((visit) => visit.answers.length).reverse();
    if (!done.length) return [];
    return [h("h3", { className: "checklist-title" }, t("checklistResults")), ...done.map((visit) => {
      const failed = visit.answers.filter((answer) => answer.result === "FAIL").length;
      const items = visit.answers.map((answer) => {
        const text = config.lang === "en" ? (answer.criterion.textEn || answer.criterion.textVi)
          : (answer.criterion.textVi || answer.criterion.textEn);
        return h("li", { className: `answer result-${answer.result.toLowerCase()}` },
          h("span", { className: "badge" }, config.answerResults[answer.result] || answer.result), " ",
          `${answer.criterionCode} · ${text}`, answer.note ? h("span", { className: "muted" }, ` — ${answer.note}`) : null);
      });
      return h("details", { className: "checklist", "data-visit-id": visit.id },
        h("summary", null, t("checklistOf", { date: day(visit.plannedDate), failed, total: visit.answers.length })),
        h("ul", { className: "answers" }, items));
    })];
  }

  async function showFindings(unitId, { quiet = false } = {}) {
    const row = state.rows.get(unitId);
    if (!row) return;
    state.selected = unitId;
    for (const tr of el.rows.querySelectorAll("tr[data-unit-id]")) {
      tr.classList.toggle("selected", tr.dataset.unitId === unitId);
    }
    el.drill.classList.add("open");
    el.drillTitle.textContent = t("findingsAt", { unit: row.unit.name });
    const close = h("button", { type: "button", className: "close" }, t("close"));
    close.addEventListener("click", () => {
      state.selected = null;
      for (const tr of el.rows.querySelectorAll("tr.selected")) tr.classList.remove("selected");
      el.drillBody.replaceChildren();
      el.drillTitle.textContent = "";
      el.drill.classList.remove("open");
    });
    if (!quiet) el.drillBody.replaceChildren(close, h("p", { className: "muted" }, t("findingsLoading")));
    try {
      const data = await gql(FINDINGS_QUERY, { u: unitId });
      if (state.selected !== unitId) return;
      const edges = data.findings ? data.findings.edges : [];
      const total = data.findings ? data.findings.totalCount : 0;
      const list = h("ul", { className: "findings" }, edges.map((edge) => findingElement(edge.node)));
      const parts = [close, edges.length ? list : h("p", { className: "muted" }, t("noFindings"))];
      if (total > edges.length) parts.push(h("p", { className: "muted" }, t("moreFindings", { shown: edges.length, total })));
      parts.push(...checklistElements(data.visits ? data.visits.edges.map((edge) => edge.node) : []));
      el.drillBody.replaceChildren(...parts);
    } catch (error) {
      if (state.selected === unitId && !quiet) {
        el.drillBody.replaceChildren(close, h("p", { className: "error" }, t("findingsFailed", { error: error.message })));
      }
    }
  }

  el.rows.addEventListener("click", (event) => {
    const tr = event.target.closest("tr[data-unit-id]");
    if (tr) showFindings(tr.dataset.unitId);
  });
  el.rows.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr[data-unit-id]");
    if (tr && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      showFindings(tr.dataset.unitId);
    }
  });

  // --- filters ---------------------------------------------------------------------------------------------

  function syncUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const name of ["kind", "severity", "sort"]) {
      if (state.filters[name]) params.set(name, state.filters[name]);
      else params.delete(name);
    }
    window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
  }

  for (const [name, select] of [["kind", el.kind], ["severity", el.severity], ["sort", el.sort]]) {
    select.addEventListener("change", () => {
      state.filters[name] = select.value;
      syncUrl();
      loadBoard({ withMonths: false });
    });
  }
  // The year is the page's (and the subscription's): changing it loads the page for that year.
  el.year.addEventListener("change", () => el.form.requestSubmit());
  el.apply.hidden = true;

  // --- live updates (graphql-transport-ws) -----------------------------------------------------------------

  function setLive(status) {
    document.body.dataset.live = status;
    el.live.textContent = t(status === "subscribed" ? "live" : status);
    el.live.className = `live-status ${status}`;
  }

  function applyUpdate(update) {
    if (state.loading) {
      // The load in flight may have read the figures before this change: load again once it is done.
      state.reloadAfterLoad = true;
      state.pendingMarks.push(...update.rows.map((row) => row.unit.id));
      return;
    }
    renderCoverage(update);
    if (state.filters.severity) {
      // The pushed figures count findings of every severity: reload the filtered board instead.
      const changed = update.rows.map((row) => row.unit.id).filter((id) => state.rows.has(id));
      if (changed.length) loadBoard({ quiet: true }).then(() => markUpdated(changed));
      return;
    }
    refreshSoon();
    const changed = [];
    for (const fresh of update.rows) {
      const id = fresh.unit.id;
      if (!state.rows.has(id)) continue; // filtered out, or not on this board
      state.rows.set(id, Object.assign({}, state.rows.get(id), fresh)); // keeps head and camera share
      changed.push(id);
    }
    markUpdated(changed);
  }

  function rowOf(id) {
    return el.rows.querySelector(`tr[data-unit-id="${CSS.escape(id)}"]`);
  }

  // Draw the rows of ``ids`` again from their figures, highlighted; and their findings if one is open.
  function markUpdated(ids) {
    const now = performance.now();
    for (const id of ids) {
      state.highlights.set(id, now);
      const tr = rowOf(id);
      if (tr && state.rows.has(id)) tr.replaceWith(rowElement(state.rows.get(id)));
    }
    setTimeout(() => {
      for (const id of ids) {
        if (state.highlights.get(id) !== now) continue; // updated again since
        state.highlights.delete(id);
        const tr = rowOf(id);
        if (tr) {
          tr.classList.remove("updated");
          tr.style.animationDelay = "";
          tr.removeAttribute("title");
        }
      }
    }, HIGHLIGHT_MS);
    if (state.selected && ids.includes(state.selected)) showFindings(state.selected, { quiet: true });
  }

  let socket = null;
  let retryDelay = 1000;
  let connectedBefore = false;

  function connect() {
    setLive("connecting");
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${window.location.host}${config.graphqlPath}`, "graphql-transport-ws");
    socket = ws;
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
    });
    ws.addEventListener("message", (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (msg.type === "connection_ack") {
        retryDelay = 1000;
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: {
          query: SUBSCRIPTION, variables: { a: config.authorityId, y: config.year } } }));
        setLive("subscribed");
        if (connectedBefore) loadBoard(); // catch up on what happened while disconnected
        connectedBefore = true;
      } else if (msg.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      } else if (msg.type === "next" && msg.id === "1") {
        const data = msg.payload && msg.payload.data;
        if (data && data.boardUpdated) applyUpdate(data.boardUpdated);
      }
    });
    ws.addEventListener("close", () => {
      if (socket !== ws) return;
      setLive("reconnecting");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  // Rows drawn by the server are replaced by the same rows from the API (with the chart), then kept live.
  loadBoard();
  connect();
})();
