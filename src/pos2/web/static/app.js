// pos2 dashboard: levers -> POST /api/dashboard -> numbers and charts. No external resources.
"use strict";

const state = { scenario: "pos2", levers: [], values: {}, accepted: {}, seq: 0, shown: 0, timer: null,
  capacity: null, beyond: false, last: null, pinned: null };
const THROUGHPUT = "pipeline.throughput_bcm_per_year";
const PLOT_CFG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"] };
const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(d));

function showMessage(text, kind = "error") {
  const box = document.getElementById("message");
  box.dataset.kind = kind;
  if (text) { box.textContent = text; box.hidden = false; } else { box.textContent = ""; box.hidden = true; }
}

function setStatus(text) { document.getElementById("status").textContent = text; }

async function api(path, options) {
  const resp = await fetch(path, options);
  let body = null;
  try { body = await resp.json(); } catch (e) { body = null; }
  if (!resp.ok) {
    const msg = body && body.message ? body.message : `${resp.status} ${resp.statusText}`;
    const err = new Error(msg); err.status = resp.status; throw err;
  }
  return body;
}

// units written one way on the page (the schema's ASCII spellings: degC, m3)
const units = (text) => String(text).replace(/\bdegC\b/g, "°C").replace(/\b(k?m)3\b/g, "$1³");

function buildForm(levers) {
  const form = document.getElementById("lever-form");
  form.innerHTML = "";
  for (const raw of levers) {
    const lv = { ...raw, unit: units(raw.unit), description: units(raw.description) };
    const id = lv.key.replace(/\./g, "-");
    const div = document.createElement("div");
    div.className = "lever";
    div.innerHTML =
      `<label for="${id}-range" title="${lv.description}">${lv.label}
         <span class="unit">${lv.unit === "-" ? "" : "[" + lv.unit + "]"}</span></label>
       <div class="hint">${lv.description}</div>
       <div class="row">
         <input type="range" id="${id}-range" data-key="${lv.key}" min="${lv.min}" max="${lv.max}"
                step="${lv.step}" value="${lv.value}" aria-label="${lv.label}">
         <input type="number" id="${id}-number" data-key="${lv.key}" step="${lv.step}" value="${lv.value}"
                aria-label="${lv.label} value">
       </div>`;
    form.appendChild(div);
    const range = div.querySelector("input[type=range]");
    const num = div.querySelector("input[type=number]");
    range.addEventListener("input", () => { num.value = range.value; num.classList.remove("invalid");
      setValue(lv.key, range.value); });
    num.addEventListener("change", () => {
      if (lv.key === THROUGHPUT && state.capacity !== null && Number(num.value) > state.capacity) setBeyond(true);
      range.value = num.value; setValue(lv.key, num.value);
    });
    if (lv.key === THROUGHPUT) addCapacityControls(div);
  }
}

function setValue(key, text) {
  state.values[key] = text === "" ? null : Number(text);
  schedule();
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, 120);
}

async function update() {
  const seq = ++state.seq;
  const body = { scenario: state.scenario };
  for (const [k, v] of Object.entries(state.values)) if (v !== null) body[k] = v;
  setStatus("computing…");
  const t0 = performance.now();
  try {
    const data = await api("/api/dashboard", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (seq !== state.seq) return; // a newer request is on its way
    const failed = Object.entries(data.stages).filter(([, st]) => !st.ok
      && !String(st.error).startsWith("needs the"));  // a stage that needs a failed one: said once, above
    const notes = failed.map(([name, st]) => `${name}: ${st.error}`);
    const vs = data.violations || [];
    if (vs.length) {
      notes.push(`${vs.length} limit(s) broken at this throughput: ${vs.slice(0, 3).join("; ")}`
        + (vs.length > 3 ? `; and ${vs.length - 3} more` : ""));
    }
    showMessage(notes.join(" — "), "warning");
    document.querySelectorAll("input.invalid").forEach((el) => el.classList.remove("invalid"));
    render(data);
    state.last = data;
    state.accepted = { ...state.values };
    syncUrl();
    renderCompare();
    document.body.classList.remove("stale");
    state.shown += 1;
    document.body.dataset.updates = String(state.shown);
    setStatus(`updated in ${Math.round(performance.now() - t0)} ms`);
  } catch (err) {
    if (seq !== state.seq) return;
    // the numbers on the page are from the last accepted levers: say so, and forget the rejected
    // value so that moving another lever is not rejected for it again
    showMessage(`${err.message} (the results shown are for the last accepted values)`);
    document.body.classList.add("stale");
    for (const lv of state.levers) {
      if (err.message.includes(lv.key)) {
        document.getElementById(lv.key.replace(/\./g, "-") + "-number").classList.add("invalid");
        state.values[lv.key] = lv.key in state.accepted ? state.accepted[lv.key] : null;
      }
    }
    setStatus(`rejected (${err.status || "error"})`);
    document.body.dataset.errors = String(Number(document.body.dataset.errors || 0) + 1);
  }
}

function unavailable(div, title, note) {
  Plotly.react(div, [], {
    title: { text: title, font: { size: 14 } },
    annotations: [{ text: note || "not available", showarrow: false, xref: "paper", yref: "paper",
      x: 0.5, y: 0.5, font: { color: "#b3261e" } }],
    xaxis: { visible: false }, yaxis: { visible: false }, margin: { t: 40, l: 20, r: 20, b: 20 },
  }, PLOT_CFG);
}

function render(data) {
  const deal = data.deal, econ = data.economics, twin = data.twin, st = data.stages;
  // numbers
  const z = deal && deal.zopa_usd_per_kcm;
  document.getElementById("zopa").textContent = deal ? (z ? `${fmt(z[0])} – ${fmt(z[1])}` : "none") : "–";
  document.getElementById("nash").textContent = deal ? fmt(deal.nash_price_usd_per_kcm) : "–";
  document.getElementById("reservation").textContent = deal
    ? `${fmt(deal.china_max_price_usd_per_kcm)} / ${fmt(deal.russia_min_price_usd_per_kcm)}` : "–";
  const pr0 = deal && deal.russia_min_price_by_principal_usd_per_kcm;
  document.getElementById("principals").textContent = pr0 ? `${fmt(pr0.gazprom)} / ${fmt(pr0.state)}` : "–";
  const pa = deal && deal.p_agreement_by_year ? deal.p_agreement_by_year : null;
  document.getElementById("p2030").textContent = pa && pa["2030"] !== undefined ? fmt(100 * pa["2030"]) + " %" : "–";
  document.getElementById("p2030-basis").textContent = deal && deal.p_agreement_basis
    ? deal.p_agreement_basis + (deal.p_agreement_source === "delay_lattice" ? "; pos2 deal and the report play the bargaining over the summits instead, which differs" : "")
    : "–";
  document.getElementById("npv").textContent = econ
    ? ["russia", "china", "mongolia"].map((p) => fmt(econ.parties[p].npv_usd_bn.p50, 1)).join(" / ") : "–";
  document.getElementById("power").textContent = twin
    ? `${twin.stations ? twin.stations.length : "–"} · ${fmt(twin.total_power_mw)} MW` : "–";

  // zone of agreement
  if (deal && deal.china_max_price_usd_per_kcm !== null && deal.russia_min_price_usd_per_kcm !== null) {
    const lo = deal.russia_min_price_usd_per_kcm, hi = deal.china_max_price_usd_per_kcm;
    const traces = [
      { type: "scatter", mode: "markers+text", x: [lo], y: ["Russia: lowest"], text: [fmt(lo)],
        textposition: "top center", cliponaxis: false, marker: { size: 14, color: "#b3261e" }, name: "Russia's lowest" },
      { type: "scatter", mode: "markers+text", x: [hi], y: ["China: highest"], text: [fmt(hi)],
        textposition: "top center", cliponaxis: false, marker: { size: 14, color: "#1f6fb2" }, name: "China's highest" },
    ];
    // both limits (and the Nash price) inside the axis with a margin: the labels sit above the markers
    const xs = [lo, hi].concat(deal.nash_price_usd_per_kcm !== null ? [deal.nash_price_usd_per_kcm] : []);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), pad = Math.max(0.15 * (x1 - x0), 2);
    const shapes = [];
    if (z) shapes.push({ type: "rect", xref: "x", yref: "paper", x0: z[0], x1: z[1], y0: 0, y1: 1,
      fillcolor: "rgba(46,160,67,0.18)", line: { width: 0 } });
    if (deal.nash_price_usd_per_kcm !== null) shapes.push({ type: "line", xref: "x", yref: "paper",
      x0: deal.nash_price_usd_per_kcm, x1: deal.nash_price_usd_per_kcm, y0: 0, y1: 1,
      line: { color: "#2ea043", dash: "dash" } });
    Plotly.react("chart-zopa", traces, {
      title: { text: z ? "Zone of agreement (green), Nash price (dashed)" : "No zone of agreement", font: { size: 14 } },
      xaxis: { title: { text: "price [USD per 1,000 m³]" }, range: [x0 - pad, x1 + pad] }, shapes, showlegend: false,
      yaxis: { automargin: true, range: [-0.5, 1.6] }, margin: { t: 40, l: 100, r: 20, b: 45 },
    }, PLOT_CFG);
  } else unavailable("chart-zopa", "Zone of agreement", shortWhy(st.deal));

  // NPVs
  if (econ) {
    const parties = ["russia", "china", "mongolia"];
    const p50 = parties.map((p) => econ.parties[p].npv_usd_bn.p50);
    const p10 = parties.map((p) => econ.parties[p].npv_usd_bn.p10);
    const p90 = parties.map((p) => econ.parties[p].npv_usd_bn.p90);
    Plotly.react("chart-npv", [{
      type: "bar", x: parties, y: p50, marker: { color: ["#b3261e", "#1f6fb2", "#8a6d3b"] },
      error_y: { type: "data", symmetric: false, array: p90.map((v, i) => v - p50[i]),
        arrayminus: p50.map((v, i) => v - p10[i]) }, name: "NPV P50 (P10–P90)",
    }], { title: { text: "NPV per party: P50 with P10–P90", font: { size: 14 } },
      yaxis: { title: { text: "NPV [bn USD]" } }, margin: { t: 40, l: 60, r: 20, b: 40 } }, PLOT_CFG);
  } else unavailable("chart-npv", "NPV per party", shortWhy(st.economics));

  // agreement probability
  if (pa) {
    const years = Object.keys(pa).sort();
    Plotly.react("chart-agreement", [{ type: "scatter", mode: "lines+markers", x: years.map(Number),
      y: years.map((y) => pa[y]), name: "P(agreement by year)" }], {
      title: { text: "Probability of agreement by year", font: { size: 14 } },
      yaxis: { title: { text: "cumulative probability" }, range: [0, 1] },
      margin: { t: 40, l: 60, r: 20, b: 40 } }, PLOT_CFG);
  } else unavailable("chart-agreement", "Probability of agreement", shortWhy(st.deal));

  // pressure profile
  const pr = data.profile;
  if (pr) {
    const traces = [{ type: "scatter", mode: "lines", x: pr.chainage_km, y: pr.pressure_mpa,
      name: "pressure (absolute)", line: { color: "#1f6fb2" } }];
    if (pr.elevation_m) traces.push({ type: "scatter", mode: "lines", x: pr.chainage_km, y: pr.elevation_m,
      name: "elevation", yaxis: "y2", line: { color: "#8a6d3b", width: 1 } });
    Plotly.react("chart-profile", traces, {
      title: { text: `Pressure profile at ${fmt(twin ? twin.throughput_bcm_per_year : null, 1)} bcm/yr`, font: { size: 14 } },
      xaxis: { title: { text: "chainage [km]" } }, yaxis: { title: { text: "pressure [MPa abs]" } },
      yaxis2: { title: { text: "elevation [m]" }, overlaying: "y", side: "right", showgrid: false },
      legend: { orientation: "h", y: -0.32 }, margin: { t: 40, l: 60, r: 60, b: 75 } }, PLOT_CFG);
  } else unavailable("chart-profile", "Pressure profile", st.twin.ok ? "the twin gives no profile table" : shortWhy(st.twin));

  const notes = document.getElementById("stage-notes");
  notes.innerHTML = "";
  for (const [name, s] of Object.entries(st)) {
    const li = document.createElement("li");
    li.textContent = s.ok ? `${name}: ${fmt(s.seconds * 1000)} ms` : `${name}: ${shortWhy(s)}`;
    notes.appendChild(li);
  }
  flagCards(feasibility(data));
}

// ---- feasibility: every card says when the line cannot carry the operating point (issue 15, item 4)

function shortWhy(stage) {
  if (!stage || stage.ok) return "";
  const e = String(stage.error || "no result");
  return e.startsWith("needs the") ? "not computed: an earlier stage gave no result (see the message above)"
    : `no result (see the message above): ${e.split(":")[0]}`;
}

function feasibility(data) {
  const st = data.stages || {};
  const thr = data.levers ? data.levers[THROUGHPUT] : null;
  const root = Object.values(st).find((s) => !s.ok && !String(s.error).startsWith("needs the"));
  if (root) {
    return { kind: "noresult", text: `No result at ${fmt(thr, 1)} bcm/yr: ${String(root.error).split(" (")[0]}` };
  }
  const vs = data.violations || [];
  if (vs.length || (data.twin && data.twin.feasible === false)) {
    return { kind: "infeasible", text: `Infeasible: ${vs.length} limit(s) broken at ${fmt(thr, 1)} bcm/yr;`
      + " these numbers assume a line that cannot run this way" };
  }
  return null;
}

function flagCards(f) {
  const banner = document.getElementById("feasibility");
  banner.hidden = !f; banner.textContent = f ? f.text : ""; banner.dataset.kind = f ? f.kind : "ok";
  for (const card of document.querySelectorAll("#results .card")) {
    let flag = card.querySelector(".flag");
    if (!flag) { flag = document.createElement("div"); flag.className = "flag"; card.appendChild(flag); }
    card.classList.toggle("infeasible", Boolean(f));
    card.dataset.state = f ? f.kind : "ok";
    flag.hidden = !f;
    flag.textContent = f ? (f.kind === "noresult" ? "no result: the line cannot carry this"
      : "infeasible operating point") : "";
  }
}

// -- the deal's details on demand: POST /api/deal/detail -----------------------------------------
function renderDetail(d) {
  document.getElementById("detail-charts").hidden = false;
  document.getElementById("chart-map").hidden = false;
  const w = d.gap_waterfall || [];
  const split = w.findIndex((s) => s.step === "russia_resource_cost");
  const traces = [w.slice(0, split), w.slice(split)].filter((p) => p.length).map((part, i) => ({
    type: "waterfall", x: part.map((s) => s.step.replace(/_/g, " ")), y: part.map((s) => s.usd_per_kcm),
    measure: part.map((s) => (s.kind === "total" ? "absolute" : "relative")), showlegend: false,
    totals: { marker: { color: i === 0 ? "#1f6fb2" : "#b3261e" } },
    text: part.map((s) => (s.kind === "total" ? fmt(s.usd_per_kcm) : (s.usd_per_kcm >= 0 ? "+" : "") + fmt(s.usd_per_kcm, 1))),
  }));
  Plotly.react("chart-waterfall", traces, {
    title: { text: "Gap waterfall: China's ceiling and Gazprom's floor [USD/1,000 m³]", font: { size: 14 } },
    yaxis: { title: { text: "USD per 1,000 m³" }, tickformat: ",.0f" }, margin: { t: 40, l: 60, r: 20, b: 110 },
  }, PLOT_CFG);
  const lv = d.lever_effects || [];
  const names = lv.map((e) => e.lever.replace(/_/g, " "));
  Plotly.react("chart-levers", [
    { type: "bar", orientation: "h", y: names, x: lv.map((e) => e.china_max_delta), name: "China's highest", marker: { color: "#1f6fb2" } },
    { type: "bar", orientation: "h", y: names, x: lv.map((e) => e.russia_min_delta), name: "Gazprom's lowest", marker: { color: "#b3261e" } },
  ], {
    title: { text: "Lever effects on each side's limit [USD/1,000 m³]", font: { size: 14 } }, barmode: "group",
    xaxis: { title: { text: "change against the scenario's contract" }, tickformat: ",.0f" },
    yaxis: { automargin: true }, legend: { orientation: "h", y: -0.2 }, margin: { t: 40, l: 20, r: 20, b: 60 },
  }, PLOT_CFG);
  const m = d.contract_map;
  const ax = m.axes, cells = m.cells;
  const data = [], n = ax.china_share.length;
  ax.formula.forEach((f, i) => ax.china_share.forEach((share, j) => {
    const z = ax.take_or_pay.map((top) => ax.acq_bcm.map((q) => {
      const c = cells.find((x) => x.formula === f && x.china_share === share && x.take_or_pay === top && x.acq_bcm === q);
      return c ? c.gap_usd_per_kcm : null;
    }));
    const k = i * n + j + 1;
    data.push({ type: "heatmap", x: ax.acq_bcm.map((q) => `${q}`), y: ax.take_or_pay.map((t) => `${Math.round(100 * t)} %`),
      z, zmid: 0, colorscale: "RdBu", showscale: k === 1, xaxis: k === 1 ? "x" : `x${k}`, yaxis: k === 1 ? "y" : `y${k}`,
      text: z.map((r) => r.map((v) => (v === null ? "" : (v >= 0 ? "+" : "") + fmt(v)))), texttemplate: "%{text}",
      hovertemplate: `${f}, equity ${Math.round(100 * share)} %<br>take-or-pay %{y}, %{x} bcm/yr: gap %{z:.1f} USD/kcm<extra></extra>` });
  }));
  Plotly.react("chart-map", data, {
    title: { text: `Contract map: China's highest minus Gazprom's lowest price (blue: a zone exists; ${m.paths} paths). `
      + `Rows: ${ax.formula.join(" · ")}; columns: China's equity ${ax.china_share.map((s) => Math.round(100 * s) + " %").join(" · ")}`, font: { size: 13 } },
    grid: { rows: ax.formula.length, columns: n, pattern: "independent" }, height: 720,
    margin: { t: 60, l: 50, r: 20, b: 40 },
  }, PLOT_CFG);
}

async function loadDetail() {
  const body = { scenario: state.scenario };
  for (const [k, v] of Object.entries(state.accepted)) if (v !== null) body[k] = v;
  const status = document.getElementById("detail-status");
  status.textContent = "computing the full valuation…";
  const t0 = performance.now();
  try {
    const d = await api("/api/deal/detail", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    renderDetail(d);
    status.textContent = `details for the levers as they were when asked (${Math.round((performance.now() - t0) / 1000)} s)`;
    document.body.dataset.details = String(Number(document.body.dataset.details || 0) + 1);
  } catch (err) { status.textContent = `details not available: ${err.message}`; }
}

// ---- the throughput slider follows the line's capacity, with an explicit way past it

function addCapacityControls(div) {
  const box = document.createElement("div");
  box.className = "capacity";
  box.innerHTML = `<span id="capacity-note" class="hint">line capacity: computing…</span>
    <label class="beyond"><input type="checkbox" id="beyond-capacity"> go past the line's capacity
    (results flagged infeasible)</label>`;
  div.appendChild(box);
  box.querySelector("#beyond-capacity").addEventListener("change", (ev) => { setBeyond(ev.target.checked); });
}

function throughputLever() { return state.levers.find((l) => l.key === THROUGHPUT); }

function setBeyond(on) {
  state.beyond = on;
  const cb = document.getElementById("beyond-capacity");
  if (cb) cb.checked = on;
  applyCapacity();
  syncUrl();
}

function applyCapacity() {
  const lv = throughputLever();
  const range = document.getElementById(THROUGHPUT.replace(/\./g, "-") + "-range");
  const note = document.getElementById("capacity-note");
  if (!lv || !range || !note) return;
  if (state.capacity === null) { range.max = lv.max; return; }
  const cap = Math.floor(state.capacity / lv.step + 1e-9) * lv.step;
  range.max = state.beyond ? lv.max : cap;
  range.dataset.capacity = String(state.capacity);
  note.textContent = state.beyond
    ? `past the line's capacity (${fmt(state.capacity, 1)} bcm/yr): results above it are flagged infeasible`
    : `slider up to the line's capacity as built: ${fmt(state.capacity, 1)} bcm/yr`;
  note.classList.toggle("warn", state.beyond);
}

async function loadCapacity(name) {
  try {
    const c = await api(`/api/capacity?scenario=${encodeURIComponent(name)}`);
    if (name !== state.scenario) return;
    state.capacity = c.capacity_bcm_per_year;
    if (state.capacity === null) {
      document.getElementById("capacity-note").textContent = `line capacity unknown: ${c.error}`;
      return;
    }
    const set = state.values[THROUGHPUT];
    const v = set !== undefined && set !== null ? set : (throughputLever() || {}).value;
    if (v !== undefined && v > state.capacity) state.beyond = true;  // the scenario itself is past it
    const cb = document.getElementById("beyond-capacity");
    if (cb) cb.checked = state.beyond;
    applyCapacity();
  } catch (err) {
    const note = document.getElementById("capacity-note");
    if (note) note.textContent = `line capacity unknown: ${err.message}`;
  }
}

// ---- lever states in the URL (shareable) and two scenarios side by side (issue 15, item 9)

function encodeLevers(values) {
  return Object.entries(values).filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}:${v}`).join(",");
}

function decodeLevers(text) {
  const out = {};
  for (const part of (text || "").split(",")) {
    const i = part.lastIndexOf(":");
    if (i > 0 && state.levers.some((l) => l.key === part.slice(0, i))) out[part.slice(0, i)] = Number(part.slice(i + 1));
  }
  return out;
}

function syncUrl() {
  const q = new URLSearchParams();
  if (state.scenario !== "pos2") q.set("scenario", state.scenario);
  for (const lv of state.levers) {
    const v = state.accepted[lv.key];
    if (v !== null && v !== undefined && v !== lv.value) q.set(lv.key, String(v));
  }
  if (state.beyond) q.set("beyond", "1");
  if (state.pinned) q.set("A", encodeLevers(state.pinned.values));
  const text = q.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
  history.replaceState(null, "", text ? `?${text}` : location.pathname);
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  const values = {};
  for (const lv of state.levers) {
    if (!q.has(lv.key)) continue;
    const v = Number(q.get(lv.key));
    if (q.get(lv.key) !== "" && Number.isFinite(v)) values[lv.key] = v;
  }
  return { values, beyond: q.get("beyond") === "1", pinned: q.has("A") ? decodeLevers(q.get("A")) : null };
}

function showValues(values) {
  for (const lv of state.levers) {
    const id = lv.key.replace(/\./g, "-");
    const v = lv.key in values && values[lv.key] !== null ? values[lv.key] : lv.value;
    document.getElementById(`${id}-range`).value = v;
    document.getElementById(`${id}-number`).value = v;
  }
}

async function pinFrom(values) {
  const body = { scenario: state.scenario, ...values };
  const data = await api("/api/dashboard", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  state.pinned = { values: { ...values }, data };
  syncUrl();
  renderCompare();
}

function headline(data) {
  const d = data.deal, e = data.economics, t = data.twin;
  const z = d && d.zopa_usd_per_kcm;
  const pa = d && d.p_agreement_by_year;
  const f = feasibility(data);
  return [
    ["operating point", f ? f.text : "feasible"],
    ["zone of agreement [USD/1,000 m³]", d ? (z ? `${fmt(z[0])} – ${fmt(z[1])}` : "none") : "–"],
    ["Nash price [USD/1,000 m³]", d ? fmt(d.nash_price_usd_per_kcm) : "–"],
    ["China's highest / Russia's lowest", d ? `${fmt(d.china_max_price_usd_per_kcm)} / ${fmt(d.russia_min_price_usd_per_kcm)}` : "–"],
    ["agreement by end-2030", pa && pa["2030"] !== undefined ? `${fmt(100 * pa["2030"])} %` : "–"],
    ["NPV P50 Russia / China / Mongolia [bn USD]", e ? ["russia", "china", "mongolia"]
      .map((p) => fmt(e.parties[p].npv_usd_bn.p50, 1)).join(" / ") : "–"],
    ["stations · power", t ? `${t.stations ? t.stations.length : "–"} · ${fmt(t.total_power_mw)} MW` : "–"],
  ];
}

function renderCompare() {
  const box = document.getElementById("compare");
  const p = state.pinned;
  document.getElementById("unpin").hidden = !p;
  if (!p || !state.last) { box.hidden = true; return; }
  box.hidden = false;
  const a = headline(p.data), b = headline(state.last);
  const rows = [];
  for (const lv of state.levers) {
    const va = lv.key in p.values ? p.values[lv.key] : lv.value;
    const vb = lv.key in state.accepted && state.accepted[lv.key] !== null ? state.accepted[lv.key] : lv.value;
    if (va !== vb) rows.push([`${lv.label} [${units(lv.unit)}]`, String(va), String(vb), "lever"]);
  }
  a.forEach(([name, va], i) => rows.push([name, va, b[i][1], "result"]));
  const tbody = box.querySelector("tbody");
  tbody.innerHTML = "";
  for (const [name, va, vb, kind] of rows) {
    const tr = document.createElement("tr");
    tr.className = kind + (va !== vb ? " differs" : "");
    for (const text of [name, va, vb]) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
    tbody.appendChild(tr);
  }
  renderCompareCharts(p.data, state.last);
}

// A and B drawn together: each chart overlays the two states, its legend names them
const AB = [
  { key: "a", label: "A (pinned)", color: "#d97706", dash: "dash" },
  { key: "b", label: "B (current)", color: "#1f6fb2", dash: "solid" },
];

function comparePlot(id, title, traces, layout) {
  if (!traces.length) { unavailable(id, title, "neither A nor B has this result"); return; }
  Plotly.react(id, traces, { title: { text: title, font: { size: 14 } }, showlegend: true,
    legend: { orientation: "h", y: -0.38 }, margin: { t: 40, l: 60, r: 20, b: 95 }, ...layout }, PLOT_CFG);
}

function renderCompareCharts(dataA, dataB) {
  const both = [[AB[0], dataA], [AB[1], dataB]];
  const limits = [], npv = [], agree = [], profile = [];
  const parties = ["russia", "china", "mongolia"];
  for (const [s, data] of both) {
    const d = data.deal, e = data.economics, pr = data.profile;
    if (d && d.china_max_price_usd_per_kcm !== null && d.russia_min_price_usd_per_kcm !== null) {
      const lo = d.russia_min_price_usd_per_kcm, hi = d.china_max_price_usd_per_kcm;
      limits.push({ type: "scatter", mode: "lines+markers+text", x: [lo, hi], y: [s.label, s.label],
        text: [fmt(lo), fmt(hi)], textposition: "top center", name: s.label, legendgroup: s.key,
        line: { color: s.color, width: hi >= lo ? 8 : 3, dash: hi >= lo ? "solid" : "dot" },
        marker: { size: 12, color: s.color },
        hovertemplate: `${s.label}: Russia's lowest ${fmt(lo)}, China's highest ${fmt(hi)}`
          + `${hi >= lo ? "" : " (no zone)"}<extra></extra>` });
      if (d.nash_price_usd_per_kcm !== null) {
        limits.push({ type: "scatter", mode: "markers", x: [d.nash_price_usd_per_kcm], y: [s.label],
          name: `${s.label} Nash price`, legendgroup: s.key, showlegend: false,
          marker: { symbol: "diamond", size: 14, color: "#fff", line: { color: s.color, width: 2 } },
          hovertemplate: `${s.label}: Nash price ${fmt(d.nash_price_usd_per_kcm)}<extra></extra>` });
      }
    }
    if (e) {
      const p50 = parties.map((p) => e.parties[p].npv_usd_bn.p50);
      npv.push({ type: "bar", x: parties, y: p50, name: s.label, marker: { color: s.color },
        error_y: { type: "data", symmetric: false,
          array: parties.map((p, i) => e.parties[p].npv_usd_bn.p90 - p50[i]),
          arrayminus: parties.map((p, i) => p50[i] - e.parties[p].npv_usd_bn.p10) } });
    }
    const pa = d && d.p_agreement_by_year;
    if (pa) {
      const years = Object.keys(pa).sort();
      agree.push({ type: "scatter", mode: "lines+markers", x: years.map(Number), y: years.map((y) => pa[y]),
        name: s.label, line: { color: s.color, dash: s.dash } });
    }
    if (pr) {
      profile.push({ type: "scatter", mode: "lines", x: pr.chainage_km, y: pr.pressure_mpa,
        name: `${s.label}, ${fmt(data.twin ? data.twin.throughput_bcm_per_year : null, 1)} bcm/yr`,
        line: { color: s.color, dash: s.dash } });
    }
  }
  comparePlot("chart-compare-zopa", "Limits, A and B (thick: zone of agreement; dotted: gap; ◇ Nash)", limits,
    { xaxis: { title: { text: "price [USD per 1,000 m³]" } }, yaxis: { automargin: true, range: [1.8, -0.8] } });
  comparePlot("chart-compare-npv", "NPV P50 (P10–P90), A and B", npv,
    { barmode: "group", yaxis: { title: { text: "NPV [bn USD]" } } });
  comparePlot("chart-compare-agreement", "Probability of agreement by year, A and B", agree,
    { yaxis: { title: { text: "cumulative probability" }, range: [0, 1] } });
  comparePlot("chart-compare-profile", "Pressure profile, A and B", profile,
    { xaxis: { title: { text: "chainage [km]" } }, yaxis: { title: { text: "pressure [MPa abs]" } } });
  document.body.dataset.compareCharts = String(Number(document.body.dataset.compareCharts || 0) + 1);
}

async function loadScenario(name, fromUrl = false) {
  state.scenario = name;
  try {
    state.levers = await api(`/api/levers?scenario=${encodeURIComponent(name)}`);
  } catch (err) { showMessage(err.message); setStatus("cannot load the levers"); return; }
  const saved = fromUrl ? readUrl() : { values: {}, beyond: false, pinned: null };
  state.values = { ...saved.values };
  state.beyond = saved.beyond;
  state.capacity = null;
  state.pinned = null;
  buildForm(state.levers);
  showValues(state.values);
  if (saved.pinned) pinFrom(saved.pinned).catch((err) => showMessage(`scenario A: ${err.message}`));
  loadCapacity(name);
  update();
}

// transient and flexibility (GET /api/transient/flexibility): run on request, it takes a while
async function runFlexibility() {
  const params = new URLSearchParams({ scenario: state.scenario });
  for (const [k, v] of Object.entries(state.accepted)) if (v !== null) params.set(k, v);
  const status = document.getElementById("flex-status");
  status.textContent = "computing…";
  const t0 = performance.now();
  try {
    const d = await api(`/api/transient/flexibility?${params}`);
    const cc = d.cost_curve, lf = cc.map((r) => r.load_factor);
    Plotly.react("chart-flex", [
      { type: "scatter", mode: "lines+markers", x: lf, y: cc.map((r) => r.tariff_usd_per_kcm), name: "tariff USD/kcm" },
      { type: "scatter", mode: "lines+markers", x: lf, y: cc.map((r) => 100 * r.intraday_swing_max),
        name: "intraday swing max, ±%", yaxis: "y2" },
      { type: "scatter", mode: "lines+markers", x: lf, y: cc.map((r) => 100 * r.seasonal_swing_max),
        name: "seasonal swing max, +%", yaxis: "y2" }], {
      title: { text: "Flexibility cost curve", font: { size: 14 } },
      xaxis: { title: { text: "load factor" } }, yaxis: { title: { text: "USD per 1,000 m³" } },
      yaxis2: { title: { text: "% of the mean rate" }, overlaying: "y", side: "right", showgrid: false },
      legend: { orientation: "h", y: -0.32 }, margin: { t: 40, l: 60, r: 60, b: 75 } }, PLOT_CFG);
    const st = d.space_time;
    Plotly.react("chart-spacetime", [{ type: "heatmap", x: st.chainage_km, y: st.time_h, z: st.p_mpa,
      colorbar: { title: { text: "MPa abs" } } }], {
      title: { text: `Pressure over time after ${st.event}`, font: { size: 14 } },
      xaxis: { title: { text: "chainage [km]" } }, yaxis: { title: { text: "time [h]" } },
      margin: { t: 40, l: 60, r: 20, b: 50 } }, PLOT_CFG);
    status.textContent = `computed in ${Math.round(performance.now() - t0)} ms`;
    document.body.dataset.flexibility = String(Number(document.body.dataset.flexibility || 0) + 1);
  } catch (err) {
    status.textContent = `not available: ${err.message}`;
  }
}

async function init() {
  const select = document.getElementById("scenario");
  try {
    for (const name of await api("/api/scenarios")) {
      const opt = document.createElement("option");
      opt.value = name; opt.textContent = name; opt.selected = name === state.scenario;
      select.appendChild(opt);
    }
  } catch (err) { showMessage(err.message); }
  select.addEventListener("change", () => loadScenario(select.value));
  document.getElementById("reset").addEventListener("click", () => loadScenario(state.scenario));
  document.getElementById("detail-btn").addEventListener("click", loadDetail);
  document.getElementById("flex-run").addEventListener("click", runFlexibility);
  document.getElementById("pin").addEventListener("click", () => {
    if (state.last) { state.pinned = { values: { ...state.accepted }, data: state.last }; syncUrl(); renderCompare(); }
  });
  document.getElementById("unpin").addEventListener("click", () => { state.pinned = null; syncUrl(); renderCompare(); });
  const urlScenario = new URLSearchParams(location.search).get("scenario");
  if (urlScenario && [...select.options].some((o) => o.value === urlScenario)) {
    state.scenario = urlScenario; select.value = urlScenario;
  }
  await loadScenario(state.scenario, true);
}

init();
