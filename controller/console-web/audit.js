// "Nhật ký": every change, who made it, when and from where, newest first, 50 a page.
"use strict";

import { api, el, $, message, localTime } from "./api.js";

const kPage = 50;
let offset = 0;

// As the account store and the playlist folder name them.
const kActions = { "playlist.save": "Lưu danh sách", "playlist.create": "Tạo danh sách",
  "playlist.delete": "Xoá danh sách", "notice.add": "Phát thông báo", "notice.end": "Kết thúc thông báo",
  "user.add": "Thêm tài khoản", "user.remove": "Xoá tài khoản", "user.passwd": "Đổi mật khẩu",
  "user.role": "Đổi vai trò", "user.token": "Cấp mã cho chương trình",
  "user.revoke-tokens": "Thu hồi mã" };

function detail(entry) {
  const text = [entry.before && "Trước:\n" + entry.before, entry.after && "Sau:\n" + entry.after]
    .filter(Boolean).join("\n");
  if (!text) return "";
  return text.length > 200
    ? el("details", {}, el("summary", {}, "Xem"), el("div.audit-detail", {}, text))
    : el("div.audit-detail", {}, text);
}

async function load() {
  const result = await api("GET", `/api/audit?limit=${kPage}&offset=${offset}`);
  const body = $("#audit-table tbody");
  if (result.status !== 200)
    return body.replaceChildren(el("tr", {}, el("td.text-danger", { colSpan: 6 },
      message(result))));
  const { entries, total } = result.data;
  body.replaceChildren(...entries.map((entry) => el("tr", {},
    el("td.text-nowrap", {}, localTime(entry.at)), el("td", {}, entry.actor),
    el("td", {}, entry.address), el("td", {}, kActions[entry.action] || entry.action),
    el("td", {}, entry.target), el("td", {}, detail(entry)))));
  if (!entries.length) body.append(el("tr", {}, el("td.text-muted", { colSpan: 6 }, "Chưa có thay đổi nào")));
  $("#audit-page").textContent = total ? `${offset + 1}–${offset + entries.length} / ${total}` : "";
  $("#audit-newer").disabled = offset === 0;
  $("#audit-older").disabled = offset + entries.length >= total;
}

export async function enter() { await load(); }

$("#audit-newer").addEventListener("click", () => { offset = Math.max(0, offset - kPage); load(); });
$("#audit-older").addEventListener("click", () => { offset += kPage; load(); });
