// The API page, drawn from /openapi.json without any CDN; every text enters as text.
"use strict";
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
fetch("/openapi.json").then((r) => r.json()).then((spec) => {
  const ref = (o) => { while (o && o.$ref) o = spec.components.schemas[o.$ref.split("/").pop()]; return o; };
  const out = [el("p", {}, spec.info.description || "")];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      out.push(el("h2", {}, el("code", {}, `${method.toUpperCase()} ${path}`), ` — ${op.summary || ""}`),
        el("p", {}, op.description || ""));
      const body = op.requestBody && ref(op.requestBody.content["application/json"].schema);
      if (body) {
        const table = el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"),
          el("th", {}, "description")));
        for (const [k, v] of Object.entries(body.properties || {})) {
          const t = v.type || (v.anyOf || []).map((x) => x.type + (x.items ? ` of ${x.items.type}` : "")).join(" | ");
          table.append(el("tr", {}, el("td", {class: "txt"}, el("code", {}, k)),
            el("td", {class: "txt"}, t + (v.type === "array" ? " of " + v.items.type : "")),
            el("td", {class: "txt"}, v.description || "")));
        }
        out.push(table);
      }
      for (const p of op.parameters || []) out.push(el("div", {}, el("code", {}, `${p.in}: ${p.name}`)));
    }
  }
  document.getElementById("api").replaceChildren(...out);
});
