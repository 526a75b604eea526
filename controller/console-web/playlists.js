// "Danh sách phát": the playlists, and one of them in a form or as its YAML, with a preview
// that follows each keystroke, saved with a version check.
"use strict";

import { api, el, $, may, message, localTime, drawPng } from "./api.js";
import { targets } from "./targets.js";
import { itemCard, readItem, showProblem, clearProblems } from "./playlist-form.js";
import { playlistYaml, playlistKey, itemExtras } from "./playlist-yaml.js";

let doc = null;       // {name, version, yaml, title, items, problems} as last read or saved
let known = null;     // displays and groups
let mode = "form";    // "form" or "yaml"
let lineMap = [];     // the form's last YAML: line -> {item, field}
let previewTimer = null;
let previewCard = null;
const editor = () => $("#playlist-editor");

async function showList() {
  known = await targets(true);
  $("#playlist-list").replaceChildren(...known.playlists.map((p) =>
    el("a.list-group-item.list-group-item-action.d-flex.gap-2", { href: "#danh-sach",
        "data-playlist": p.name, onclick: (event) => { event.preventDefault(); open(p.name); } },
      el("span.me-auto", {}, el("strong", {}, p.name), p.title ? " · " + p.title : ""),
      p.notices && el("span.badge.text-bg-danger", {}, "thông báo khẩn"),
      el("span.badge.text-bg-secondary", {}, `${p.items} mục`))));
  if (!known.playlists.length)
    $("#playlist-list").append(el("div.list-group-item.text-muted", {}, "Chưa có danh sách phát nào"));
}

async function open(name) {
  const result = await api("GET", "/api/playlists/" + encodeURIComponent(name));
  if (result.status !== 200) return ($("#page-error").textContent = message(result));
  doc = result.data;
  render();
}

function render() {
  const editable = may("editor") && !known.playlists.find((p) => p.name === doc.name && p.notices);
  const board = el("select.form-select.form-select-sm.w-auto", { id: "preview-display", "aria-label": "Bảng xem trước" },
    known.displays.map((d) => el("option", { value: d.name }, `${d.name} (${d.size})`)));
  board.addEventListener("change", () => schedulePreview(previewCard));
  const view = el("div", {},
    el("div.d-flex.flex-wrap.align-items-center.gap-2.mb-2", {},
      el("h2.h5.mb-0.me-auto", {}, doc.name, doc.version ? "" : " (mới)"),
      el("div.btn-group.btn-group-sm", { role: "group" },
        el("button.btn.btn-outline-primary", { type: "button", id: "mode-form", onclick: () => switchMode("form") }, "Biểu mẫu"),
        el("button.btn.btn-outline-primary", { type: "button", id: "mode-yaml", onclick: () => switchMode("yaml") }, "YAML")),
      editable && el("button.btn.btn-sm.btn-primary", { type: "button", id: "playlist-save", onclick: save }, "Lưu"),
      editable && doc.version && el("button.btn.btn-sm.btn-outline-danger", { type: "button", onclick: remove }, "Xoá danh sách")),
    el("div#save-result", { role: "status" }),
    el("div.card.mb-2", {}, el("div.card-body.p-2", {},
      el("div.d-flex.align-items-center.gap-2.mb-1", {}, el("span.small", {}, "Xem trước trên"), board,
        el("span.small.text-muted", { id: "preview-note" })),
      el("canvas.preview-canvas", { id: "preview", role: "img", "aria-label": "Xem trước" }))),
    el("div#form-view", {},
      el("div.mb-2", {}, el("label.form-label.small.mb-0", { htmlFor: "playlist-title" }, "Tiêu đề"),
        el("input.form-control.form-control-sm", { id: "playlist-title", value: doc.title || "", disabled: !editable, "data-field": "title" }),
        el("div.invalid-feedback", { "data-problem": "title" })),
      el("p.small.text-muted", {}, "Lưu từ biểu mẫu viết lại cả tệp, chú thích (#) trong tệp sẽ mất; muốn giữ chú thích, sửa ở chế độ YAML."),
      el("div#item-list", {}, (doc.items || []).map((item) => itemCard(item, known, editable, itemExtras(doc.yaml, item.line)))),
      editable && el("button.btn.btn-sm.btn-outline-primary", { type: "button", onclick: addItem }, "Thêm mục")),
    el("div#yaml-view", { hidden: true },
      el("textarea.form-control.yaml-editor", { id: "yaml-text", spellcheck: false, disabled: !editable, value: doc.yaml || "",
        "aria-label": "Tệp YAML" })),
    el("ul#problem-list.list-unstyled.small.mt-2", {}));
  editor().replaceChildren(view);
  editor().hidden = false;
  for (const card of editor().querySelectorAll(".item-card")) wire(card);
  formAsRead = formYaml();
  switchMode(mode, true);
  showProblems(doc.problems || [], "form");
  previewCard = editor().querySelector(".item-card");
  schedulePreview(previewCard);
}

function wire(card) {
  card.addEventListener("input", () => schedulePreview(card));
  card.addEventListener("change", () => schedulePreview(card));
  card.addEventListener("focusin", () => { if (previewCard !== card) schedulePreview(card); });
  $(".item-preview", card).addEventListener("click", () => schedulePreview(card));
  const remove = $(".item-remove", card);
  if (remove) remove.addEventListener("click", () => { card.remove(); if (previewCard === card) previewCard = null; });
}

function addItem() {
  const card = itemCard({ id: `${doc.name}-${Date.now().toString(36)}`, text: "" }, known, true);
  $("#item-list").append(card);
  wire(card);
  $('[data-field="text"]', card).focus();
}

function formYaml() {
  const built = playlistYaml({ name: playlistKey(doc.yaml) || doc.name, title: $("#playlist-title").value.trim(),
                               items: [...editor().querySelectorAll(".item-card")].map(readItem) });
  lineMap = built.lines;
  return built.yaml;
}

function switchMode(next, initial = false) {
  if (!initial && next === mode) return;
  if (!initial && next === "yaml") $("#yaml-text").value = formChanged() ? formYaml() : doc.yaml;
  if (!initial && next === "form" && $("#yaml-text").value !== doc.yaml)
    return ($("#save-result").replaceChildren(el("div.alert.alert-warning.py-1", {},
      "Hãy lưu (hoặc bỏ) thay đổi ở chế độ YAML trước khi quay lại biểu mẫu.")));
  mode = next;
  $("#form-view").hidden = mode !== "form";
  $("#yaml-view").hidden = mode !== "yaml";
  $("#mode-form").classList.toggle("active", mode === "form");
  $("#mode-yaml").classList.toggle("active", mode === "yaml");
}

// Whether the form differs from the file as read (then the form's YAML replaces it).
let formAsRead = "";
function formChanged() { return !doc.yaml || formYaml() !== formAsRead; }

function schedulePreview(card) {
  if (!card || !card.isConnected) return;
  previewCard = card;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => preview(card), 250);
}

async function preview(card) {
  const item = readItem(card);
  if (!item.text) return;
  const body = { display: $("#preview-display").value, item: { text: item.text, effect: item.effect } };
  for (const key of ["speed", "passes"]) if (item[key]) body.item[key] = Number(item[key]);
  for (const key of ["duration", "colour"]) if (item[key]) body.item[key] = item[key];
  const started = card.dataset.previews = String(Number(card.dataset.previews || 0) + 1);
  const result = await api("POST", "/api/preview", body);
  if (card.dataset.previews !== started) return;  // a later keystroke's preview is on its way
  if (result.status !== 200) return ($("#preview-note").textContent = message(result, "Không xem trước được"));
  await drawPng($("#preview"), await result.response.blob());
  $("#preview-note").textContent = item.id;
  $("#preview").dataset.text = item.text;
}

function showProblems(problems, from) {
  clearProblems(editor());
  const cards = [...editor().querySelectorAll(".item-card")];
  const rest = [];
  for (const problem of problems) {
    const text = (problem.severity === "warning" ? "Cảnh báo: " : "") + problem.message;
    const where = from === "form" && lineMap[problem.line];
    const shown = where && (where.item === undefined
      ? showProblem(editor(), where.field, text) : showProblem(cards[where.item], where.field, text));
    if (!shown) rest.push(problem);
  }
  $("#problem-list").replaceChildren(...rest.map((problem) => el("li", {
      className: problem.severity === "warning" ? "text-warning-emphasis" : "text-danger" },
    problem.line ? el("a", { href: "#danh-sach", onclick: (event) => { event.preventDefault(); goToLine(problem.line); } },
      `Dòng ${problem.line}${problem.column ? ", cột " + problem.column : ""}`) : "", problem.line ? ": " : "",
    problem.message)));
}

function goToLine(line) {
  if (mode !== "yaml") switchMode("yaml");
  const area = $("#yaml-text");
  const lines = area.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1] || "").length);
}

async function save() {
  if (mode === "form" && [...editor().querySelectorAll(".item-card")].some((card) => card.locked))
    return $("#save-result").replaceChildren(el("div.alert.alert-warning.py-1", {},
      "Danh sách có mục chỉ sửa được ở chế độ YAML; hãy lưu ở chế độ YAML."));
  const yaml = mode === "yaml" ? $("#yaml-text").value : formYaml();
  const result = await api("PUT", "/api/playlists/" + encodeURIComponent(doc.name), { version: doc.version, yaml });
  const box = $("#save-result");
  if (result.status === 200) {
    box.replaceChildren(el("div.alert.alert-success.py-1", {}, "Đã lưu; các bảng phát bản mới trong vòng một giây."));
    await showList();
    await open(doc.name);
    $("#save-result").replaceChildren(box.firstChild || "");
    return showProblems(result.data.problems || [], "form");
  }
  if (result.status === 422) {
    box.replaceChildren(el("div.alert.alert-danger.py-1", {}, message(result, "Danh sách có lỗi; chưa lưu.")));
    return showProblems(result.data.problems || [], mode);
  }
  if (result.status === 409) return conflict(result.data, yaml);
  box.replaceChildren(el("div.alert.alert-danger.py-1", {}, message(result, "Không lưu được")));
}

// Someone saved this playlist since it was opened: nothing was overwritten. Shows what they
// changed (lines only in theirs, lines only in this page's) and lets the operator choose.
function conflict(data, mine) {
  const current = data.current || { version: "", yaml: "" };
  const theirs = current.yaml.split("\n"), ours = mine.split("\n");
  const onlyTheirs = theirs.filter((line) => line.trim() && !ours.includes(line));
  const onlyOurs = ours.filter((line) => line.trim() && !theirs.includes(line));
  const who = current.saved_by ? `${current.saved_by} đã lưu lúc ${localTime(current.saved_at)}`
                               : "Tệp đã được sửa ở nơi khác";
  $("#save-result").replaceChildren(el("div.alert.alert-warning", { id: "conflict" },
    el("p.fw-semibold.mb-1", {}, `${who}. Thay đổi của bạn CHƯA được lưu, và bản của họ không bị ghi đè.`),
    el("div.small", {}, "Chỉ có trong bản của họ:"), el("pre.small.mb-1", {}, onlyTheirs.join("\n") || "(không có)"),
    el("div.small", {}, "Chỉ có trong bản của bạn:"), el("pre.small.mb-2", {}, onlyOurs.join("\n") || "(không có)"),
    el("button.btn.btn-sm.btn-secondary.me-2", { type: "button", onclick: () => open(doc.name) }, "Tải bản mới, bỏ thay đổi của tôi"),
    el("button.btn.btn-sm.btn-outline-danger", { type: "button", onclick: () => { doc.version = current.version; save(); } },
      "Ghi đè bằng bản của tôi")));
}

async function remove() {
  if (!confirm(`Xoá danh sách "${doc.name}"? Các mục của nó sẽ ngừng phát.`)) return;
  const result = await api("DELETE", `/api/playlists/${encodeURIComponent(doc.name)}?version=${encodeURIComponent(doc.version)}`);
  if (result.status === 409) return conflict(result.data, mode === "yaml" ? $("#yaml-text").value : formYaml());
  if (result.status !== 204) return ($("#page-error").textContent = message(result));
  editor().hidden = true;
  doc = null;
  await showList();
}

export async function enter() {
  await showList();
  if (doc) await open(doc.name);
}

$("#new-playlist").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("#new-playlist-name").value.trim();
  if (known.playlists.some((p) => p.name === name))
    return ($("#page-error").textContent = `Đã có danh sách "${name}"`);
  doc = { name, version: "", title: "", yaml: "", items: [], problems: [] };
  mode = "form";
  render();
  addItem();
});
