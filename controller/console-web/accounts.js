// "Tài khoản": everyone changes their own password (the current one first); admins see every
// account, add one, change a role or remove one. A changed account is signed out everywhere.
"use strict";

import { api, el, $, may, message, session } from "./api.js";

const kRoles = { viewer: "Người xem", editor: "Biên tập", admin: "Quản trị" };

function say(node, result, done) {
  const ok = result.status < 300;
  node.textContent = ok ? done : message(result);
  node.className = "small mt-2 mb-0 " + (ok ? "text-success" : "text-danger");
  return ok;
}

function roleSelect(user) {
  const select = el("select.form-select.form-select-sm", {
    "aria-label": "Vai trò của " + user.name,
    onchange: async () => {
      const result = await api("PUT", "/api/users/" + encodeURIComponent(user.name), { role: select.value });
      say($("#user-result"), result, `Đã đổi vai trò của ${user.name}`);
      await load();
    },
  }, Object.entries(kRoles).map(([value, label]) => el("option", { value, selected: value === user.role }, label)));
  return select;
}

async function load() {
  if (!may("admin")) return;
  const result = await api("GET", "/api/users");
  const body = $("#users-table tbody");
  if (result.status !== 200) return body.replaceChildren(el("tr", {}, el("td.text-danger", { colSpan: 3 }, message(result))));
  body.replaceChildren(...result.data.users.map((user) => el("tr", {},
    el("td", {}, user.name), el("td", {}, roleSelect(user)),
    el("td.text-end", {}, user.name === session.name ? "" : el("button.btn.btn-sm.btn-outline-danger", {
      type: "button",
      onclick: async () => {
        if (!confirm(`Xoá tài khoản ${user.name}?`)) return;
        const removed = await api("DELETE", "/api/users/" + encodeURIComponent(user.name));
        say($("#user-result"), removed, `Đã xoá ${user.name}`);
        await load();
      },
    }, "Xoá")))));
}

export async function enter() { await load(); }

$("#own-password").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await api("PUT", "/api/users/" + encodeURIComponent(session.name),
    { current_password: $("#own-current").value, password: $("#own-new").value });
  if (say($("#own-result"), result, "Đã đổi mật khẩu; hãy đăng nhập lại")) {
    $("#own-current").value = $("#own-new").value = "";
    setTimeout(() => window.dispatchEvent(new Event("signed-out")), 1500);
  }
});

$("#user-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("#user-name").value;
  const result = await api("POST", "/api/users",
    { name, role: $("#user-role").value, password: $("#user-password").value });
  if (say($("#user-result"), result, `Đã thêm ${name}`)) {
    $("#user-name").value = $("#user-password").value = "";
    await load();
  }
});
