// The console's page: sign in, then every board as it is now, its picture refreshed each second.
"use strict";

let csrf = "";

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (method !== "GET") options.headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, options);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, data };
}

function show(signedIn) {
  document.getElementById("sign-in").hidden = signedIn;
  document.getElementById("boards").hidden = !signedIn;
}

function boardCard(display) {
  const card = document.createElement("div");
  card.className = "col-12 col-md-6";
  card.dataset.display = display.name;
  const on = display.health && display.health.connected;
  card.innerHTML = `<div class="card"><div class="card-body">
      <h2 class="h6 board-name"></h2>
      <img class="board-picture" alt="">
      <p class="small mb-0 board-state"></p></div></div>`;
  card.querySelector(".board-name").textContent = display.name;
  card.querySelector("img").alt = "Hình trên bảng " + display.name;
  card.querySelector(".board-state").textContent =
    (on ? "Đang kết nối" : "Mất kết nối") + " · " +
    (display.on_air ? "Đang phát: " + display.on_air : "Không có mục nào");
  return card;
}

async function refresh() {
  const { status, data } = await api("GET", "/api/displays");
  if (status === 401) return show(false);
  const list = document.getElementById("board-list");
  for (const display of data.displays) {
    let card = list.querySelector(`[data-display="${CSS.escape(display.name)}"]`);
    const fresh = boardCard(display);
    if (card) card.replaceWith(fresh); else list.appendChild(fresh);
    fresh.querySelector("img").src =
      "/api/displays/" + encodeURIComponent(display.name) + "/preview.png?dots=1&t=" + Date.now();
  }
}

async function start() {
  const { status, data } = await api("GET", "/api/session");
  if (status !== 200) return show(false);
  csrf = data.csrf;
  document.getElementById("who").textContent = data.name + " (" + data.role + ")";
  show(true);
  await refresh();
}

document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { status, data } = await api("POST", "/api/login", {
    name: document.getElementById("name").value,
    password: document.getElementById("password").value,
  });
  document.getElementById("sign-in-error").textContent = status === 200 ? "" : data.message;
  if (status === 200) start();
});

document.getElementById("sign-out").addEventListener("click", async () => {
  await api("POST", "/api/logout");
  show(false);
});

setInterval(() => { if (!document.getElementById("boards").hidden) refresh(); }, 1000);
start();
