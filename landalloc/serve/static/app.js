// landalloc workbench: plain JS, no build step. One session (warm model) per tab.
"use strict";
const T = {
  zh: {title: "工业用地分配工作台", base: "方案", reset: "恢复方案", save: "保存情景", load: "载入情景",
    compare_with: "比较对象", the_plan: "规划方案", compare: "比较", report_xlsx: "报告 Excel",
    report_html: "报告 HTML", report_pdf: "报告 PDF", figures: "规划指标", allowed: "允许布局的产业 × 区县",
    hint: "拖动滑块或输入数字；每次修改都在热启动的模型上重新求解。已修改的指标标为黄色，规划值与出处列在旁边。",
    output: "预计产值", status: "状态", infeasible: "方案不可行", repair: "最小修复",
    apply_repair: "应用修复", matrix: "区县 × 产业 分配（公顷）", map: "区县分布图",
    totals: "合计与规划对比", binding: "起约束作用的规则",
    price_note: "影子价格：该规则的指标每增加 1 公顷，产值的变化（按本规划的产出单位）。价格不唯一时（退化最优解）显示重新求解测得的“多 1 公顷”和“少 1 公顷”的值。",
    total: "总量", sector: "产业用地指标", district: "区县用地上限", zone: "片区总量", share: "产业组占比",
    plan: "规划", vs_plan: "较规划", optimal: "最优", sum: "合计", allocated: "已分配",
    rule: "规则", activity: "取值", price: "影子价格", source: "出处", not_unique: "不唯一",
    one_more: "多 1 公顷", one_less: "少 1 公顷", infeasible_alone: "单独不可行",
    server: "服务器求解", ms: "毫秒", sector_h: "产业", district_h: "区县", zone_h: "片区",
    moved: "变动的地块", output_change: "产值变化", nothing_moved: "没有地块变动",
    name_prompt: "情景名称", changes: "处修改", was: "原为", min: "下限", max: "上限", value: "",
    no_map: "该实例没有区县布局文件", period: "规划期",
    report_building: "正在生成报告…", report_cancelled: "报告已取消", cancel: "取消",
    session_lost: "本页的会话已过期或服务器已重启：已按本页的修改重新建立，数字与之前一致。",
    linked_note: "该情景将各规划期联合求解；工作台一次编辑一个规划期（当前 {p}），联合求解请用 landalloc solve --period all。"},
  en: {title: "Industrial land allocation workbench", base: "Scenario", reset: "Back to the plan",
    save: "Save scenario", load: "Load scenario", compare_with: "Compare with", the_plan: "the plan",
    compare: "Compare", report_xlsx: "Report Excel", report_html: "Report HTML", report_pdf: "Report PDF",
    figures: "The plan's figures", allowed: "Allowed sector × district cells",
    hint: "Drag a slider or type a number; every change re-solves the warm model. Changed figures are yellow; the plan's value and source are beside each.",
    output: "Projected output", status: "Status", infeasible: "The plan is infeasible",
    repair: "Smallest repair", apply_repair: "Apply the repair",
    matrix: "Allocation, districts × sectors (ha)", map: "Districts", totals: "Totals against the plan",
    binding: "Binding rules",
    price_note: "Shadow price: the change in output (in the plan's output unit) per hectare more of the rule's figure. Where the price is not unique (a degenerate optimum) the measured values of one more and one less hectare are shown.",
    total: "Total", sector: "Sector quotas", district: "District caps", zone: "Zone totals",
    share: "Group shares", plan: "plan", vs_plan: "vs plan", optimal: "optimal", sum: "Total",
    allocated: "allocated", rule: "Rule", activity: "Activity", price: "Shadow price",
    source: "Source", not_unique: "not unique", one_more: "one more ha", one_less: "one less ha",
    infeasible_alone: "infeasible alone", server: "server solve", ms: "ms", sector_h: "Sector",
    district_h: "District", zone_h: "Zone", moved: "Cells that moved",
    output_change: "Change in output", nothing_moved: "no cell moved", name_prompt: "Scenario name",
    changes: "changes", was: "was", min: "min", max: "max", value: "", no_map: "this instance has no tile layout",
    period: "Period",
    report_building: "Building the report…", report_cancelled: "The report was cancelled", cancel: "Cancel",
    session_lost: "This tab's session had expired or the server restarted: it was rebuilt from this page's changes.",
    linked_note: "This scenario links the periods; the workbench edits one period at a time (now {p}); solve them together with landalloc solve --period all."},
};
const S = {lang: "zh", sid: null, info: null, sets: new Map(), plan: null, doc: null,
  inflight: false, pending: false, solves: 0, latencies: [], t0: null};
window.__workbench = S;
const $ = (id) => document.getElementById(id);
const t = (k) => (T[S.lang][k] ?? k);
const nm = (o) => (o ? (S.lang === "zh" ? o.zh : o.en) : "");
const fmt = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v)) ? "–" :
  Number(v).toLocaleString("en-US", {maximumFractionDigits: d, minimumFractionDigits: d});
const ha = (v) => fmt(v, Math.abs(v - Math.round(v)) > 0.05 ? 1 : 0);

// Every text that comes from data (names, sources, messages) enters the page as a text node
// or an attribute set through the DOM: a scenario may name a sector anything, and the
// upload list is shared by every tab.
function el(tag, attrs, ...kids) { return build(document.createElement(tag), attrs, kids); }
function sv(tag, attrs, ...kids) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, kids);
}
function build(e, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.setAttribute("class", v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of kids.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}
function fill(id, ...kids) { const box = $(id); box.replaceChildren(...kids.flat(Infinity)); return box; }

// The server's token, in the page it served: another site's page cannot read it.
let TOKEN = document.querySelector('meta[name="landalloc-token"]').content;

async function api(url, body, raw = false, retried = false) {
  const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
    "X-Landalloc-Session": S.sid || "", "X-Landalloc-Token": TOKEN}, body: JSON.stringify(body || {})});
  if (raw && r.ok) return r;
  const j = await r.json().catch(() => ({error: r.statusText}));
  if (!r.ok && !retried) {
    // the server restarted (a new token) or dropped this tab's session (idle too long):
    // take the new token, rebuild the session from this page's own state, ask again
    if (r.status === 403 && /token/.test(j.error || "")) {
      await refreshToken(); if (S.sid) await restore(); return api(url, body, raw, true);
    }
    if (r.status === 404 && j.session_lost && S.info) { await restore(); return api(url, body, raw, true); }
  }
  if (!r.ok) throw new Error(j.error || JSON.stringify(j.detail || j));
  return j;
}

async function refreshToken() {
  const page = new DOMParser().parseFromString(await (await fetch("/")).text(), "text/html");
  TOKEN = page.querySelector('meta[name="landalloc-token"]').content;
}

async function restore() {
  const info = await api("/api/session", {path: S.path, period: S.period}, false, true);
  S.sid = info.id; S.info.id = info.id;
  await api("/api/session/solve", {set: currentSets()}, false, true);
  S.restored = (S.restored || 0) + 1;
  const n = $("notice"); n.hidden = false; n.textContent = t("session_lost");
  n.dataset.t = "session_lost";
}

async function start(path, period) {
  S.doc = null;
  const saved = JSON.parse(sessionStorage.getItem("landalloc-state") || "null");
  if (path === undefined && saved) { path = saved.path; period = saved.period; }
  S.info = await api("/api/session", {path: path || null, period: period || null});
  S.sid = S.info.id;
  S.sets = new Map();
  if (saved && saved.path === (path || null) && (saved.period || null) === (period || null)
      && path !== "__fresh__") {
    for (const s of saved.sets || []) { const i = s.indexOf("="); S.sets.set(s.slice(0, i), s.slice(i + 1)); }
  }
  S.path = path || null;
  const base = $("base"); base.replaceChildren();
  for (const c of S.info.choices) {
    const o = document.createElement("option"); o.value = c; o.textContent = c;
    if (c === S.info.ref) o.selected = true; base.appendChild(o);
  }
  const cw = $("compare-with");
  cw.replaceChildren(el("option", {value: "plan", dataset: {t: "the_plan"}}, t("the_plan")));
  for (const c of S.info.choices) if (c.endsWith(".yaml") && c !== S.info.ref) {
    const o = document.createElement("option"); o.value = c; o.textContent = c.split("/").pop(); cw.appendChild(o);
  }
  S.period = S.info.meta.period;
  const ps = $("period"); ps.replaceChildren();
  for (const p of S.info.meta.periods || [S.period]) {
    const o = document.createElement("option"); o.value = p; o.textContent = p;
    if (p === S.period) o.selected = true; ps.appendChild(o);
  }
  const note = $("linked-note");
  note.hidden = !S.info.meta.linked;
  if (S.info.meta.linked) note.textContent = t("linked_note").replace("{p}", S.period);
  $("plan-title").textContent = S.info.meta.title || S.info.meta.name;
  const plan = await api("/api/session/solve", {set: []});
  S.plan = plan;
  buildFields(); buildCells();
  if (S.sets.size) await solve(); else { S.doc = plan; render(); }
}

function currentSets() { return [...S.sets].map(([p, v]) => `${p}=${v}`); }

function buildFields() {
  const box = $("fields"); box.replaceChildren();
  const groups = {};
  for (const f of S.info.fields) (groups[f.kind] ??= []).push(f);
  for (const kind of ["total", "sector", "district", "zone", "share"]) {
    if (!groups[kind]) continue;
    const g = document.createElement("div"); g.className = "group";
    g.append(el("h3", {dataset: {t: kind}}, t(kind)));
    for (const f of groups[kind]) g.appendChild(fieldRow(f));
    box.appendChild(g);
  }
}

function fieldRow(f) {
  const row = document.createElement("div"); row.className = "field"; row.dataset.path = f.path;
  const step = f.kind === "share" ? 0.001 : 10;
  const label = document.createElement("span"); label.className = "name";
  const num = document.createElement("input"); num.type = "number"; num.step = f.kind === "share" ? 0.001 : 1;
  num.min = 0; num.dataset.path = f.path;
  const slider = document.createElement("input"); slider.type = "range"; slider.min = 0;
  slider.max = f.slider_max; slider.step = step; slider.dataset.path = f.path;
  const plan = document.createElement("div"); plan.className = "plan";
  row.append(label, slider, num, plan);
  const cur = () => (S.sets.has(f.path) ? Number(S.sets.get(f.path)) : f.plan);
  row.refresh = () => {
    const side = f.side === "value" ? "" : ` (${t(f.side)})`;
    label.textContent = nm(f) + side;
    num.value = cur(); slider.value = cur();
    const pv = f.kind === "share" ? fmt(f.plan, 3) : fmt(f.plan);
    plan.textContent = `${t("plan")}: ${pv}${f.unit ? " " + f.unit : ""} — ${f.source || ""}` +
      (S.sets.has(f.path) ? ` → ${S.sets.get(f.path)}` : "");
    row.classList.toggle("changed", S.sets.has(f.path));
  };
  const set = (v) => {
    if (v === "" || v === null) return;
    if (Number(v) === f.plan) S.sets.delete(f.path); else S.sets.set(f.path, String(v));
    row.refresh(); schedule();
  };
  slider.addEventListener("input", () => { S.t0 = performance.now(); num.value = slider.value; set(slider.value); });
  num.addEventListener("change", () => { S.t0 = performance.now(); set(num.value); });
  row.refresh();
  return row;
}

function buildCells() {
  const m = S.info.meta;
  const byKey = {}; for (const c of S.info.cells) byKey[c.path] = c;
  const table = el("table", {class: "cells"},
    el("tr", {}, el("th"), m.districts.map((d) => el("th", {title: d.en}, nm(d)))));
  for (const s of m.sectors) {
    const tr = el("tr", {}, el("th", {class: "rowh"}, nm(s)));
    for (const d of m.districts) {
      const c = byKey[`allowed.${s.id}.${d.id}`];
      const on = S.sets.has(c.path) ? S.sets.get(c.path) === "true" : c.plan;
      const box = el("input", {type: "checkbox", dataset: {cell: c.path},
        "aria-label": `${nm(s)} × ${nm(d)}`});
      box.checked = on;
      box.addEventListener("change", () => {
        S.t0 = performance.now();
        if (box.checked === c.plan) S.sets.delete(c.path); else S.sets.set(c.path, String(box.checked));
        td.classList.toggle("changed", S.sets.has(c.path)); schedule();
      });
      const td = el("td", {class: S.sets.has(c.path) ? "changed" : null, title: c.source || null}, box);
      tr.append(td);
    }
    table.append(tr);
  }
  fill("cells", table);
}

function schedule() {
  sessionStorage.setItem("landalloc-state", JSON.stringify({path: S.path, period: S.period, sets: currentSets()}));
  if (S.inflight) { S.pending = true; return; }
  solve();
}

async function solve() {
  S.inflight = true;
  const t0 = S.t0;
  try {
    S.doc = await api("/api/session/solve", {set: currentSets()});
    $("error").hidden = true;
    render();
    if (t0 !== null && !S.pending) S.latencies.push({ms: performance.now() - t0, server_ms: S.doc.server_ms});
  } catch (e) {
    $("error").hidden = false; $("error").textContent = e.message;
  } finally {
    S.inflight = false; S.solves += 1; document.body.dataset.solves = S.solves;
    if (S.pending) { S.pending = false; solve(); }
  }
}

function render() {
  const d = S.doc, m = S.info.meta;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = S.lang === "zh" ? "English" : "中文";
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll(".field").forEach((r) => r.refresh && r.refresh());
  $("status").textContent = d.status === "optimal" ? t("optimal") : d.status;
  $("status").dataset.status = d.status;
  $("timing").textContent = d.server_ms !== undefined ? `(${t("server")} ${fmt(d.server_ms, 1)} ${t("ms")})` : "";
  $("objective").textContent = d.objective === null ? "–" : `${fmt(d.objective)} ${d.objective_unit}`;
  const delta = (d.objective ?? NaN) - (S.plan.objective ?? NaN);
  const oc = $("objective-change");
  oc.textContent = Number.isFinite(delta) && Math.abs(delta) > 1e-9 ? `${delta > 0 ? "+" : ""}${fmt(delta, 1)} ${t("vs_plan")}` : "";
  oc.className = delta > 0 ? "up" : "down";
  $("diagnosis").hidden = d.status !== "infeasible";
  if (d.status === "infeasible") renderDiagnosis(d);
  renderMatrix(d, m); renderTotals(d, m); renderRules(d); renderMap(d, m);
}

function renderDiagnosis(d) {
  const iis = d.iis || {};
  fill("diag-sentences", (iis.sentences || []).map((x) => el("li", {}, x)));
  $("diag-arith").textContent = iis.arithmetic || "";
  const rep = d.repair || {changes: []};
  const items = (rep.changes || []).map((c) => el("li", {}, el("code", {}, c.path), `: ${c.old} → `,
    el("b", {}, String(c.value)), ` (${c.rule}${c.note ? "; " + c.note : ""})`));
  fill("repair-list", items.length ? items : [el("li", {}, rep.note || "")]);
  $("apply-repair").disabled = !rep.set || !Object.keys(rep.set).length;
}

function cellMap(doc) {
  const out = {}; for (const a of doc.allocation || []) out[`${a.sector}|${a.district}`] = a.hectares; return out;
}

function renderMatrix(d, m) {
  const cur = cellMap(d), plan = cellMap(S.plan);
  const rows = [el("tr", {}, el("th", {}, `${t("district_h")} \\ ${t("sector_h")}`),
    m.sectors.map((s) => el("th", {}, nm(s))), el("th", {}, t("sum")))];
  for (const dd of m.districts) {
    let sum = 0;
    const tr = el("tr", {dataset: {district: dd.id}}, el("th", {class: "rowh"}, nm(dd)));
    for (const s of m.sectors) {
      const k = `${s.id}|${dd.id}`, v = cur[k] || 0, p = plan[k] || 0; sum += v;
      const moved = Math.abs(v - p) > 1e-6 && d.status === "optimal";
      const cls = [moved ? "moved" : "", v === 0 ? "zero" : ""].join(" ").trim();
      tr.append(el("td", {dataset: {cell: `${s.id}.${dd.id}`}, class: cls || null,
        title: `${t("plan")}: ${ha(p)}`}, v === 0 ? "·" : ha(v)));
    }
    tr.append(el("td", {}, el("b", {}, ha(sum))));
    rows.push(tr);
  }
  fill("matrix", rows);
}

function planOf(path) {
  const fs = S.info.fields.filter((f) => f.path === path || f.path.startsWith(path + "."));
  return fs;
}

function renderTotals(d, m) {
  const kinds = [["sector", m.sectors, "sectors", "quota"], ["district", m.districts, "districts", "cap"], ["zone", m.zones, "zones", "total"]];
  const tables = [];
  for (const [kind, items, coll, key] of kinds) {
    const tot = (d.totals || {})[kind] || {};
    const table = el("table", {class: "totals"}, el("tr", {}, el("th", {class: "rowh"}, t(kind + "_h")),
      el("th", {}, t("allocated")), el("th", {}, t("plan")), el("th", {class: "rowh"}, t("source"))));
    for (const it of items) {
      const fs = planOf(`${coll}.${it.id}.${key}`);
      const planText = fs.map((f) => (f.side === "min" ? "≥ " : f.side === "max" ? "≤ " : "") + fmt(f.plan)).join(", ");
      const changed = fs.some((f) => S.sets.has(f.path));
      const now = fs.map((f) => S.sets.has(f.path) ? `→ ${S.sets.get(f.path)}` : "").join(" ");
      table.append(el("tr", {}, el("td", {class: "txt"}, nm(it)), el("td", {}, ha(tot[it.id] ?? 0)),
        el("td", {class: changed ? "moved" : null}, `${planText} ${now}`),
        el("td", {class: "txt"}, fs[0]?.source || "")));
    }
    tables.push(table);
  }
  fill("totals", tables);
}

function renderRules(d) {
  const rows = [el("tr", {}, el("th", {class: "rowh"}, t("rule")), el("th", {}, t("activity")),
    el("th", {}, t("price")), el("th", {class: "rowh"}, t("source")))];
  for (const r of (d.rules || []).filter((r) => r.binding)) {
    const [zh, en] = String(r.label || r.name).split(" / ");
    let price;
    if (r.price_unique) price = fmt(r.dual, 4);
    else {
      const m1 = r.value_one_more_ha === null ? t("infeasible_alone") : fmt(r.value_one_more_ha, 4);
      const l1 = r.value_one_less_ha === null ? t("infeasible_alone") : fmt(r.value_one_less_ha, 4);
      price = `${t("not_unique")}: ${t("one_more")} ${m1}; ${t("one_less")} ${l1}`;
    }
    rows.push(el("tr", {}, el("td", {class: "txt"}, S.lang === "zh" ? zh : (en || zh)),
      el("td", {}, ha(r.activity)), el("td", {}, price), el("td", {class: "txt"}, r.source || "")));
  }
  fill("rules", rows);
}

function renderMap(d, m) {
  const tiles = S.info.tiles;
  if (!tiles) { $("map").textContent = t("no_map"); return; }
  const tot = (d.totals || {}).district || {};
  const rows = Math.max(...Object.values(tiles).map((x) => x[0])) + 1;
  const cols = Math.max(...Object.values(tiles).map((x) => x[1])) + 1;
  const W = 92, vmax = Math.max(1, ...Object.values(tot));
  const svg = sv("svg", {width: cols * W + 30, height: rows * W, "font-size": 11});
  for (const dd of m.districts) {
    const rc = tiles[dd.id]; if (!rc) continue;
    const v = tot[dd.id] || 0, f = v / vmax;
    const col = `rgb(${Math.round(255 - 200 * f)},${Math.round(255 - 90 * f)},${Math.round(229 - 170 * f)})`;
    const x = rc[1] * W + 3, y = rc[0] * W + 3, fg = f > 0.6 ? "white" : "#222";
    svg.append(sv("g", {dataset: {district: dd.id}},
      sv("rect", {x, y, width: W - 6, height: W - 6, rx: 7, fill: col, stroke: "#888"}),
      sv("text", {x: x + W / 2 - 3, y: y + 38, "text-anchor": "middle", fill: fg}, nm(dd)),
      sv("text", {x: x + W / 2 - 3, y: y + 60, "text-anchor": "middle", "font-size": 13, fill: fg},
        `${ha(v)} ha`)));
  }
  svg.append(sv("text", {x: cols * W + 12, y: 16, "text-anchor": "middle"}, "N ↑"));
  fill("map", svg);
}

$("lang").addEventListener("click", () => { S.lang = S.lang === "zh" ? "en" : "zh"; buildCells(); render(); });
$("reset").addEventListener("click", () => { S.sets.clear(); buildCells(); S.t0 = performance.now(); schedule(); });
$("apply-repair").addEventListener("click", () => {
  const rep = (S.doc.repair || {}).set || {};
  for (const [p, v] of Object.entries(rep)) S.sets.set(p, String(v));
  buildCells(); S.t0 = performance.now(); schedule();
});
$("base").addEventListener("change", () => { sessionStorage.removeItem("landalloc-state"); start($("base").value); });
$("period").addEventListener("change", () => { sessionStorage.removeItem("landalloc-state"); start(S.path || S.info.ref, $("period").value); });
$("save").addEventListener("click", async () => {
  const name = prompt(t("name_prompt"), "my-scenario"); if (!name) return;
  try {
    const r = await api("/api/session/save", {name}, true);
    const text = await r.text(); S.lastSaved = text;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], {type: "application/x-yaml"}));
    a.download = `${name}.yaml`; document.body.appendChild(a); a.click(); a.remove();
    const sel = $("compare-with");
    if (![...sel.options].some((o) => o.value === name)) {
      const o = document.createElement("option"); o.value = name; o.textContent = name; sel.appendChild(o);
    }
  } catch (e) { $("error").hidden = false; $("error").textContent = e.message; }
});
$("load").addEventListener("change", async (ev) => {
  const f = ev.target.files[0]; if (!f) return;
  try {
    const r = await api("/api/upload", {name: f.name, text: await f.text()});
    sessionStorage.removeItem("landalloc-state"); await start(r.path);
  } catch (e) { $("error").hidden = false; $("error").textContent = e.message; }
  ev.target.value = "";
});
$("compare").addEventListener("click", async () => {
  try {
    const r = await api("/api/session/compare", {against: $("compare-with").value});
    const out = $("compare-out"); out.hidden = false;
    const names = {}; for (const x of [...S.info.meta.sectors, ...S.info.meta.districts]) names[x.id] = nm(x);
    const title = r.against === "plan" ? t("the_plan") : r.against;
    const change = r.objective_change === null ? "–" : (r.objective_change > 0 ? "+" : "") + fmt(r.objective_change, 1);
    const items = (r.cells || []).map((c) => el("li", {}, `${names[c.sector]} × ${names[c.district]}: ` +
      `${ha(c.from)} → ${ha(c.to)} (${c.change > 0 ? "+" : ""}${ha(c.change)} ha)`));
    out.replaceChildren(el("b", {}, `${t("compare")}: ${title} → ${t("base")}`),
      ` · ${t("output_change")}: ${change}`,
      el("ul", {}, items.length ? items : [el("li", {}, t("nothing_moved"))]));
  } catch (e) { $("error").hidden = false; $("error").textContent = e.message; }
});
// Reports are built in the background (another process on the server): the page asks,
// shows the time it takes, may cancel, and downloads the file when it is ready.
async function report(format) {
  if (S.report) return;
  const busy = $("report-busy"), cancel = $("report-cancel");
  try {
    let st = await api("/api/session/report", {});
    S.report = st.job; busy.hidden = false; cancel.hidden = false;
    while (st.state === "queued" || st.state === "running") {
      busy.textContent = `${t("report_building")} ${fmt(st.seconds)} s`;
      await new Promise((r) => setTimeout(r, 400));
      st = await (await fetch(`/api/report/${encodeURIComponent(st.job)}`)).json();
    }
    if (st.state !== "done") throw new Error(st.state === "cancelled" ? t("report_cancelled") : st.error);
    const a = el("a", {href: `/api/report/${encodeURIComponent(st.job)}/file?format=${format}`, download: ""});
    document.body.append(a); a.click(); a.remove();
    $("error").hidden = true;
  } catch (e) {
    $("error").hidden = false; $("error").textContent = e.message;
  } finally {
    S.report = null; busy.hidden = true; cancel.hidden = true; S.reports = (S.reports || 0) + 1;
  }
}
for (const f of ["html", "xlsx", "pdf"]) {
  $(`report-${f}`).addEventListener("click", (ev) => { ev.preventDefault(); report(f); });
}
$("report-cancel").addEventListener("click", () => {
  if (S.report) fetch(`/api/report/${encodeURIComponent(S.report)}`, {method: "DELETE", headers: {"X-Landalloc-Token": TOKEN}});
});
start().catch((e) => { $("error").hidden = false; $("error").textContent = e.message; });
