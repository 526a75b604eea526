// "Bảng đang phát": every display as the daemon sees it now, with its picture as LED dots,
// both refreshed about once a second while the page is open.
"use strict";

import { api, el, $, localTime, drawPng } from "./api.js";

let timer = null;
let visible = false;

function card(name) {
  return el("div.col-12.col-md-6.col-xl-4", { "data-display": name },
    el("div.card.h-100", {},
      el("div.card-header.d-flex.align-items-center.gap-2", {},
        el("h2.h6.mb-0.me-auto.board-name", {}, name),
        el("span.badge.board-link", {})),
      el("canvas.board-picture", { "aria-label": "Hình trên bảng " + name, role: "img" }),
      el("div.card-body.small", {},
        el("p.mb-1.board-on-air", {}),
        el("dl.board-facts.mb-0", {}),
        el("ul.board-problems.text-danger.mb-0.ps-3", {}))));
}

function facts(display) {
  const rows = [
    ["Khung hình/giây", (display.frames_per_second ?? 0).toFixed(1)],
    ["Độ sáng", `${display.brightness_percent ?? 100} %`],
    ["Đọc lại", display.reads_back
      ? (display.readback_mismatches ? `sai ${display.readback_mismatches} lần` : "khớp")
      : "bảng không hỗ trợ"],
    ["Lỗi / kết nối lại", `${display.errors ?? 0} / ${display.reconnects ?? 0}`],
    ["Đường truyền", display.link || "cửa sổ"],
  ];
  return rows.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]);
}

function update(node, display) {
  const link = $(".board-link", node);
  link.textContent = display.connected ? "Đang kết nối" : "Mất kết nối";
  link.className = "badge board-link " + (display.connected ? "text-bg-success" : "text-bg-danger");
  const onAir = $(".board-on-air", node);
  onAir.replaceChildren(display.on_air
    ? el("span", {}, "Đang phát: ", el("strong", {}, display.on_air),
        display.playlist ? ` (${display.playlist})` : "",
        display.since ? ` · từ ${localTime(display.since)}` : "",
        display.until ? ` · đến ${localTime(display.until)}` : "")
    : el("span.text-muted", {}, "Không có mục nào đang phát"));
  $(".board-facts", node).replaceChildren(...facts(display));
  $(".board-problems", node).replaceChildren(...(display.problems || []).map((p) => el("li", {}, p)));
}

async function picture(node, name) {
  const response = await fetch(`/api/displays/${encodeURIComponent(name)}/preview.png?dots=1&scale=4`);
  if (!response.ok) return;
  await drawPng($("canvas", node), await response.blob());
  node.dataset.pictures = String(Number(node.dataset.pictures || 0) + 1);
}

function daemonState(status) {
  const parts = [el("span", {}, "Cập nhật lúc " + (status.updated_text || localTime(status.updated)))];
  if (status.clock_trusted === false)
    parts.push(el("div.alert.alert-warning.py-1.my-1", {}, "Đồng hồ chưa đúng: " + (status.clock_note || "")));
  const proof = status.proof_of_play;
  if (proof) {
    const ok = proof.recording && !proof.problem;
    parts.push(el("div", { className: ok ? "text-success" : "text-danger" },
      ok ? "Đang ghi nhận lượt phát" : "Không ghi được lượt phát: " + (proof.problem || ""),
      proof.plays_pending ? ` · ${proof.plays_pending} lượt chờ ghi` : "",
      proof.plays_lost ? ` · ${proof.plays_lost} lượt bị mất` : ""));
  }
  for (const problem of status.playlist_problems || [])
    parts.push(el("div.text-danger", {}, "Danh sách phát: " + problem));
  $("#daemon-state").replaceChildren(...parts);
}

async function refresh() {
  const result = await api("GET", "/api/displays");
  if (result.status !== 200 || !visible) return;
  daemonState(result.data);
  const list = $("#board-list");
  const names = new Set();
  for (const display of result.data.displays) {
    names.add(display.name);
    let node = list.querySelector(`[data-display="${CSS.escape(display.name)}"]`);
    if (!node) list.append((node = card(display.name)));
    update(node, display);
    picture(node, display.name).catch(() => {});
  }
  for (const node of list.querySelectorAll("[data-display]"))
    if (!names.has(node.dataset.display)) node.remove();
}

async function tick() {
  const started = Date.now();
  await refresh().catch(() => {});
  if (visible) timer = setTimeout(tick, Math.max(200, 1000 - (Date.now() - started)));
}

export async function enter() {
  visible = true;
  clearTimeout(timer);
  await tick();
}

export function leave() {
  visible = false;
  clearTimeout(timer);
}
