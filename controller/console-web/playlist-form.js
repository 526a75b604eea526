// One item of a playlist as a form: its fields, the targets from the config's displays and
// groups, and a place under each field for the daemon's problem with it.
"use strict";

import { el, $ } from "./api.js";
import { targetChecks, checkedTargets } from "./targets.js";
import { hasMedia } from "./playlist-yaml.js";

const kEffects = [["scroll", "Chạy chữ"], ["static", "Đứng yên"], ["page", "Từng trang"],
                  ["blink", "Nhấp nháy"], ["fade", "Hiện dần"]];
const kPriorities = [["normal", "Bình thường"], ["high", "Cao"], ["urgent", "Khẩn"]];

const asText = (value) => (Array.isArray(value) ? value.join(", ") : value ?? "");
const asList = (text) => String(text).split(",").map((part) => part.trim()).filter(Boolean);
const asDuration = (value) => (typeof value === "number" ? `${value}s` : value ?? "");

let serial = 0;

function field(label, name, input, width = "col-6 col-md-3") {
  input.dataset.field = name;
  input.id = `f${++serial}`;
  input.classList.add(input.tagName === "SELECT" ? "form-select" : "form-control");
  input.classList.add("form-control-sm");
  return el("div", { className: width },
    el("label.form-label.small.mb-0", { htmlFor: input.id }, label), input,
    el("div.invalid-feedback", { "data-problem": name }));
}

function choose(options, value) {
  return el("select", {}, options.map(([v, label]) => el("option", { value: v, selected: v === value }, label)));
}

// item: as GET /api/playlists/{name} gives it (or {} for a new one); extras: itemExtras() of its
// lines in the file, what the API does not return (a schedule, a colour...), kept as written.
export function itemCard(item, known, editable, extras = { raw: {} }) {
  const schedule = item.schedule || {};
  const kept = Object.values(extras.raw).flat().map((line) => line.slice(4)).join("\n");
  const duration = asDuration(item.duration);
  const moves = ["scroll", "page"].includes(item.effect || "scroll");
  const card = el("div.card.item-card.mb-2", {},
    el("div.card-body.p-2", {},
      el("div.row.g-2", {},
        field("Mã mục", "id", el("input", { value: item.id ?? "", required: true })),
        field("Nội dung", "text", el("textarea", { rows: 2, value: item.text ?? "", required: !hasMedia(extras.raw) }),
              "col-12 col-md-9"),
        field("Hiệu ứng", "effect", choose(kEffects, item.effect || "scroll")),
        field("Tốc độ (điểm/giây)", "speed", el("input", { type: "number", min: 1, max: 1000, value: moves ? item.speed ?? "" : "" })),
        field("Số lượt", "passes", el("input", { type: "number", min: 1, max: 1000, value: duration ? "" : item.passes ?? "" })),
        field("Thời lượng", "duration", el("input", { value: duration, placeholder: "20s, 1m30s" })),
        field("Ưu tiên", "priority", choose(kPriorities, extras.priority || item.priority || "normal")),
        field("Màu", "colour", el("input", { value: extras.colour || item.colour || "", placeholder: "#FFB000, red" })),
        field("Từ lúc", "from", el("input", { value: item.from ?? "", placeholder: "2026-11-25T07:00" })),
        field("Đến lúc", "until", el("input", { value: item.until ?? "", placeholder: "2026-11-25T17:00" })),
        el("fieldset.col-12", { "data-field": "targets" },
          el("legend.form-label.small.mb-0", {}, "Phát trên (không chọn: mọi bảng)"),
          el("div.d-flex.flex-wrap.gap-3", {}, targetChecks(`t${++serial}`, known, item.targets || [])),
          el("div.invalid-feedback", { "data-problem": "targets" })),
        ...(extras.raw.schedule ? [] : [
        field("Ngày", "schedule.dates", el("input", { value: asText(schedule.dates), placeholder: "2026-01-01..2026-12-31" })),
        field("Thứ", "schedule.days", el("input", { value: asText(schedule.days), placeholder: "t2..t6" })),
        field("Giờ", "schedule.hours", el("input", { value: asText(schedule.hours), placeholder: "07:00-11:30, 13:30-17:00" })),
        field("Trừ", "schedule.except", el("input", { value: asText(schedule.except), placeholder: "holidays" }))]),
        kept && el("div.col-12", {}, el("div.small.text-muted", {}, "Giữ nguyên như trong tệp (sửa ở chế độ YAML):"),
          el("pre.small.mb-0.bg-body-tertiary.p-1", {}, kept), el("div.invalid-feedback", { "data-problem": "kept" })),
        extras.flow && el("div.col-12.text-danger.small", {}, "Mục này viết gọn trên một dòng ({...}) với lịch hoặc màu: chỉ sửa được ở chế độ YAML.")),
      el("div.d-flex.gap-2.mt-2", {},
        el("button.btn.btn-sm.btn-outline-secondary.item-preview", { type: "button" }, "Xem trước"),
        editable && el("button.btn.btn-sm.btn-outline-danger.item-remove", { type: "button" }, "Xoá mục"))));
  card.raw = extras.raw;
  card.locked = Boolean(extras.flow);
  card.querySelector("fieldset").querySelectorAll("input").forEach((input) => { input.dataset.target = "1"; });
  if (!editable || extras.flow) card.querySelectorAll("input, textarea, select").forEach((input) => { input.disabled = true; });
  return card;
}

// The item as the form says now, for playlistYaml().
export function readItem(card) {
  const value = (name) => $(`[data-field="${name}"]`, card).value.trim();
  return {
    id: value("id"), text: value("text"), effect: value("effect"), speed: value("speed"),
    passes: value("passes"), duration: value("duration"), priority: value("priority"),
    colour: value("colour"), from: value("from"), until: value("until"),
    targets: checkedTargets($('[data-field="targets"]', card)),
    schedule: card.raw.schedule ? {} : {
      dates: asList(value("schedule.dates")), days: asList(value("schedule.days")),
      hours: asList(value("schedule.hours")), except: asList(value("schedule.except")) },
    raw: card.raw,
  };
}

// Shows a problem under its field; false when the card has no such field.
export function showProblem(card, name, text) {
  const holder = $(`[data-problem="${CSS.escape(name)}"]`, card) ||
                 $(`[data-problem="${CSS.escape(name.split(".")[0])}"]`, card);
  if (!holder) return false;
  holder.textContent = holder.textContent ? holder.textContent + " · " + text : text;
  holder.classList.add("d-block");
  const input = $(`[data-field="${CSS.escape(holder.dataset.problem)}"]`, card);
  if (input && input.tagName !== "FIELDSET") input.classList.add("is-invalid");
  card.classList.add("has-problem");
  return true;
}

export function clearProblems(root) {
  root.querySelectorAll("[data-problem]").forEach((node) => { node.textContent = ""; node.classList.remove("d-block"); });
  root.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
  root.querySelectorAll(".has-problem").forEach((node) => node.classList.remove("has-problem"));
}
