// What every page shares: the API with the session's CSRF token, who is signed in, and small
// helpers for building the DOM without HTML strings from data.
"use strict";

export const session = { name: "", role: "", csrf: "" };

const kRoles = { viewer: 0, editor: 1, admin: 2 };
export function may(role) { return (kRoles[session.role] ?? -1) >= kRoles[role]; }

// {status, data, response}: data is the JSON answer, or null (204, a PNG, a download).
export async function api(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (method !== "GET") {
    options.headers["X-CSRF-Token"] = session.csrf;
    options.headers["Content-Type"] = "application/json";
    if (body !== undefined) options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  if ((response.headers.get("Content-Type") || "").startsWith("application/json"))
    data = await response.json().catch(() => null);
  if (response.status === 401 && path !== "/api/login" && path !== "/api/session")
    window.dispatchEvent(new Event("signed-out"));
  return { status: response.status, data, response };
}

// The Vietnamese message of an error answer.
export function message(result, fallback) {
  return (result.data && result.data.message) || fallback || "Lỗi " + result.status;
}

// el("td#id.text-end", {title: "x"}, "text", child...)
export function el(spec, attributes, ...children) {
  const [head, ...classes] = spec.split(".");
  const [tag, id] = head.split("#");
  const node = document.createElement(tag);
  if (id) node.id = id;
  if (classes.length) node.className = classes.join(" ");
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat())
    if (child !== undefined && child !== null && child !== false)
      node.append(child instanceof Node ? child : String(child));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// "2026-11-24T08:00:00" or "2026-11-24 08:00" -> "08:00 24/11/2026"; other text as it is.
// A UTC time ("2026-11-24T01:00:00Z", as the audit keeps them) in this computer's time zone.
export function localTime(text) {
  if (/Z$/.test(text || "")) {
    const d = new Date(text);
    if (!isNaN(d)) {
      const two = (n) => String(n).padStart(2, "0");
      return `${two(d.getHours())}:${two(d.getMinutes())} ${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
    }
  }
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)/.exec(text || "");
  return m ? `${m[4]}:${m[5]} ${m[3]}/${m[2]}/${m[1]}` : (text || "");
}

export function duration(seconds) {
  seconds = Math.round(seconds || 0);
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return h ? `${h} giờ ${m} phút` : m ? `${m} phút ${s} giây` : `${s} giây`;
}

// Draws a PNG blob into a canvas (the pages' policy allows no blob: images).
export async function drawPng(canvas, blob) {
  const bitmap = await createImageBitmap(blob);
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0);
  bitmap.close();
}
