// "Thông báo khẩn": an urgent notice on the chosen boards within a second, until a time or until
// someone ends it here.
"use strict";

import { api, el, $, may, message, localTime } from "./api.js";
import { targets, targetChecks, checkedTargets } from "./targets.js";

// Two hours from now, on the hour, as <input type="datetime-local"> writes it.
function inTwoHours() {
  const at = new Date(Date.now() + 2 * 3600 * 1000);
  at.setMinutes(0, 0, 0);
  const pad = (n) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:00`;
}

async function list() {
  const result = await api("GET", "/api/notices");
  const items = result.status === 200 ? result.data.notices : [];
  $("#notice-list").replaceChildren(...(items.length ? items.map((notice) =>
    el("li.list-group-item.d-flex.flex-wrap.gap-2.align-items-center", { "data-notice": notice.id },
      el("div.me-auto", {}, el("div.fw-semibold", {}, notice.text),
        el("div.small.text-muted", {}, `Trên: ${(notice.targets || []).join(", ")} · đến ${localTime(notice.until)}`)),
      may("editor") && el("button.btn.btn-sm.btn-outline-danger", { type: "button",
        onclick: () => end(notice.id) }, "Kết thúc ngay"))) :
    [el("li.list-group-item.text-muted", {}, result.status === 200 ? "Không có thông báo nào đang phát"
                                                                 : message(result))]));
}

async function end(id) {
  const result = await api("DELETE", "/api/notices/" + encodeURIComponent(id));
  $("#notice-result").textContent = result.status === 204 ? "Đã kết thúc thông báo" : message(result);
  await list();
}

async function send(event) {
  event.preventDefault();
  const chosen = checkedTargets($("#notice-targets"));
  const result = $("#notice-result");
  if (!chosen.length) return (result.textContent = "Chọn ít nhất một bảng hoặc nhóm");
  const answer = await api("POST", "/api/notices", {
    text: $("#notice-text").value.trim(), targets: chosen, until: $("#notice-until").value });
  result.className = "mt-2 mb-0 " + (answer.status === 201 ? "text-success" : "text-danger");
  result.textContent = answer.status === 201 ? "Đã phát thông báo; bảng hiện trong vòng một giây"
                                             : message(answer, "Không phát được thông báo");
  if (answer.status === 201) $("#notice-text").value = "";
  await list();
}

export async function enter() {
  if (may("editor")) {
    const known = await targets();
    const chosen = checkedTargets($("#notice-targets"));
    $("#notice-targets").replaceChildren(...targetChecks("notice-target", known, chosen.length ? chosen : ["all"]));
    if (!$("#notice-until").value) $("#notice-until").value = inTwoHours();
    $("#notice-text").focus();
  }
  await list();
}

$("#notice-form").addEventListener("submit", send);
