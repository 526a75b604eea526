// The console: sign in, then one page at a time by the address's #part (#bang, #danh-sach,
// #thong-bao, #bao-cao, #nhat-ky, #tai-khoan). Buttons a role may not use are not shown to it.
"use strict";

import { api, session, may, message, $ } from "./api.js";
import * as boards from "./boards.js";
import * as playlists from "./playlists.js";
import * as notices from "./notices.js";
import * as report from "./report.js";
import * as audit from "./audit.js";
import * as accounts from "./accounts.js";

const pages = { bang: boards, "danh-sach": playlists, "thong-bao": notices, "bao-cao": report,
                "nhat-ky": audit, "tai-khoan": accounts };
let current = null;

function showSignIn() {
  if (current && current.leave) current.leave();
  current = null;
  session.name = session.role = session.csrf = "";
  $("#top-bar").hidden = true;
  for (const page of document.querySelectorAll(".page")) page.hidden = true;
  $("#sign-in").hidden = false;
  $("#name").focus();
}

function applyRole() {
  for (const node of document.querySelectorAll("[data-role]"))
    node.hidden = !may(node.dataset.role);
  const roles = { viewer: "người xem", editor: "biên tập", admin: "quản trị" };
  $("#who").textContent = `${session.name} (${roles[session.role] || session.role})`;
}

async function open() {
  if (!session.role) return;
  const name = location.hash.slice(1) in pages ? location.hash.slice(1) : "bang";
  if (current && current.leave) current.leave();
  $("#page-error").textContent = "";
  for (const page of document.querySelectorAll(".page")) page.hidden = page.id !== "page-" + name;
  for (const link of document.querySelectorAll("#menu .nav-link"))
    link.classList.toggle("active", link.getAttribute("href") === "#" + name);
  const menu = $("#menu");
  if (menu.classList.contains("show") && window.bootstrap) bootstrap.Collapse.getOrCreateInstance(menu).hide();
  current = pages[name];
  try {
    await current.enter();
  } catch (error) {
    $("#page-error").textContent = "Không tải được trang: " + error.message;
  }
}

async function start() {
  const result = await api("GET", "/api/session");
  if (result.status !== 200) return showSignIn();
  Object.assign(session, result.data);
  $("#sign-in").hidden = true;
  $("#top-bar").hidden = false;
  applyRole();
  await open();
}

$("#sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await api("POST", "/api/login", { name: $("#name").value, password: $("#password").value });
  if (result.status !== 200)
    return ($("#sign-in-error").textContent = message(result, "Không đăng nhập được"));
  $("#sign-in-error").textContent = "";
  $("#password").value = "";
  await start();
});

$("#sign-out").addEventListener("click", async () => {
  await api("POST", "/api/logout");
  showSignIn();
});

window.addEventListener("signed-out", showSignIn);
window.addEventListener("hashchange", open);
start();
