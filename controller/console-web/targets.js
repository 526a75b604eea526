// The targets an item or a notice can name: every display and group of the config, and "all".
"use strict";

import { api, el } from "./api.js";

let cached = null;

// {displays:[{name, groups, size, pixel}], groups:[...]}, from GET /api/playlists.
export async function targets(refresh = false) {
  if (cached && !refresh) return cached;
  const result = await api("GET", "/api/playlists");
  if (result.status !== 200) throw new Error(result.data?.message || "Không đọc được danh sách bảng");
  cached = { displays: result.data.displays || [], groups: result.data.groups || [],
             playlists: result.data.playlists || [] };
  return cached;
}

// Checkboxes "Tất cả bảng", each group, each display; `chosen` ticked.
export function targetChecks(prefix, known, chosen) {
  const box = (value, label) => el("div.form-check.form-check-inline.me-0", {},
    el("input.form-check-input", { type: "checkbox", id: `${prefix}-${value}`, value,
                                   checked: chosen.includes(value) }),
    el("label.form-check-label", { htmlFor: `${prefix}-${value}` }, label));
  return [box("all", "Tất cả bảng"),
          ...known.groups.map((g) => box(g, "Nhóm " + g)),
          ...known.displays.map((d) => box(d.name, d.name))];
}

export function checkedTargets(root) {
  return [...root.querySelectorAll("input[type=checkbox]:checked")].map((input) => input.value);
}
