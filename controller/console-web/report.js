// "Báo cáo": what was played in a period, per day, board and item, a bar chart of plays per
// day, and the same as CSV or XLSX for the office's periodic report.
"use strict";

import { api, el, $, message, duration } from "./api.js";
import { targets } from "./targets.js";

const iso = (date) => date.toISOString().slice(0, 10);

function query(format) {
  const parts = new URLSearchParams({ from: $("#report-from").value, to: $("#report-to").value, format });
  if ($("#report-display").value) parts.set("display", $("#report-display").value);
  return "/api/report?" + parts;
}

function links() {
  $("#report-csv").href = query("csv");
  $("#report-xlsx").href = query("xlsx");
}

function dayLabel(day) { return day.slice(8, 10) + "/" + day.slice(5, 7); }

function chart(rows) {
  const perDay = new Map();
  for (const row of rows) perDay.set(row.day, (perDay.get(row.day) || 0) + (row.plays || 0));
  const days = [...perDay.keys()].sort();
  if (!days.length) return [el("p.text-muted", {}, "Không có lượt phát nào trong kỳ này")];
  const most = Math.max(...perDay.values(), 1);
  const bars = days.map((day) => {
    const bar = el("div.bar", { title: `${dayLabel(day)}: ${perDay.get(day)} lượt` });
    bar.style.height = `${(100 * perDay.get(day)) / most}%`;
    return bar;
  });
  const every = Math.ceil(days.length / 12);
  return [el("div.small.text-muted", {}, `Lượt phát theo ngày (cao nhất ${most})`),
          el("div.bar-chart", { role: "img", "aria-label": "Lượt phát theo ngày" }, bars),
          el("div.bar-chart-labels", {}, days.map((d, i) => el("span", {}, i % every ? "" : dayLabel(d))))];
}

async function load(event) {
  if (event) event.preventDefault();
  links();
  const result = await api("GET", query("json"));
  const body = $("#report-table tbody");
  if (result.status !== 200) {
    $("#report-totals").textContent = message(result, "Không lập được báo cáo");
    return body.replaceChildren();
  }
  const { rows, totals } = result.data;
  $("#report-totals").textContent =
    `Tổng: ${totals.plays} lượt phát, ${duration(totals.on_air_seconds)} trên bảng`;
  $("#report-chart").replaceChildren(...chart(rows));
  body.replaceChildren(...rows.map((row) => el("tr", {},
    el("td.text-nowrap", {}, row.day), el("td", {}, row.display), el("td", {}, row.playlist),
    el("td", {}, row.item), el("td", {}, row.text), el("td.text-end", {}, row.plays),
    el("td.text-end", {}, row.interrupted), el("td.text-end.text-nowrap", {}, duration(row.on_air_seconds)))));
}

export async function enter() {
  if (!$("#report-from").value) {
    const today = new Date();
    $("#report-from").value = iso(new Date(Date.UTC(today.getFullYear(), today.getMonth(), 1)));
    $("#report-to").value = iso(new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())));
  }
  const select = $("#report-display");
  if (select.options.length === 1) {
    const known = await targets().catch(() => ({ displays: [] }));
    for (const d of known.displays) select.append(el("option", { value: d.name }, d.name));
  }
  await load();
}

$("#report-form").addEventListener("submit", load);
for (const id of ["#report-from", "#report-to", "#report-display"]) $(id).addEventListener("change", links);
