// A playlist file written from the form: every string as a JSON string (a valid YAML
// double-quoted scalar, so no text can break the file), and for each line the item and field it
// came from, so that the daemon's problems (by line) show at their field.
"use strict";

const q = (value) => JSON.stringify(String(value));
const list = (values) => "[" + values.map(q).join(", ") + "]";

// Fields the form edits, in the order written; other keys an item had are kept as they were.
export const kFields = ["id", "text", "effect", "speed", "passes", "duration", "priority", "colour",
                        "from", "until", "targets", "schedule"];
const kScheduleFields = ["dates", "days", "hours", "except"];

// playlist: {name, title, items:[{id, text, ..., schedule:{dates:[..], ...}, raw:{key: [lines]}}]},
// raw: what itemExtras() kept of a hand-written item, written back as it was.
// -> {yaml, lines: [{item, field}] indexed by line number (1-based)}.
export function playlistYaml(playlist) {
  const out = [];
  const lines = [null];
  const put = (text, where = null) => { out.push(text); lines.push(where); };
  put("# Written by bangtin's console.");
  put("playlist: " + q(playlist.name));
  if (playlist.title) put("title: " + q(playlist.title), { field: "title" });
  put("items:");
  playlist.items.forEach((item, index) => {
    let first = true;
    const field = (key, value, where = key) => {
      put((first ? "  - " : "    ") + key + ": " + value, { item: index, field: where });
      first = false;
    };
    field("id", q(item.id));
    // A picture, QR code, video or document (kept as written) may go without text, and then
    // without what only text has.
    const textless = hasMedia(item.raw) && !String(item.text ?? "").trim();
    if (!textless) field("text", q(item.text));
    if (item.effect && !textless) field("effect", item.effect);
    if (item.speed !== "" && item.speed !== undefined && !textless) field("speed", Number(item.speed));
    if (item.passes !== "" && item.passes !== undefined && !textless) field("passes", Number(item.passes));
    if (item.duration) field("duration", q(item.duration));
    if (item.priority && item.priority !== "normal") field("priority", item.priority);
    if (item.colour && !textless) field("colour", q(item.colour));
    if (item.from) field("from", q(item.from));
    if (item.until) field("until", q(item.until));
    if (item.targets && item.targets.length) field("targets", list(item.targets));
    for (const text of Object.values(item.raw || {}).flat()) put(text, { item: index, field: "kept" });
    const schedule = item.raw?.schedule ? [] : kScheduleFields.filter((key) => item.schedule && item.schedule[key]?.length);
    if (schedule.length) {
      field("schedule", "", "schedule");
      out[out.length - 1] = out[out.length - 1].trimEnd();
      for (const key of schedule)
        put(`      ${key}: ${list(item.schedule[key])}`, { item: index, field: "schedule." + key });
    }
  });
  if (!playlist.items.length) out[out.length - 1] = "items: []";
  return { yaml: out.join("\n") + "\n", lines };
}

// Whether an item's kept keys show a picture, QR code, video or document.
export function hasMedia(raw) {
  return ["image", "qr", "video", "document"].some((key) => raw && key in raw);
}

// The value of the top-level `playlist:` key of a file, when it is a plain one-line scalar.
export function playlistKey(yaml) {
  const match = /^playlist:[ \t]*("?)([^"#\n]*?)\1[ \t]*(#.*)?$/m.exec(yaml || "");
  return match ? match[2].trim() : "";
}

// Keys of an item that GET /api/playlists/{name} gives back as fields of its own.
const kReturned = ["id", "text", "effect", "speed", "passes", "duration", "priority", "targets", "from", "until"];

// What the API does not return of the item that starts on `line` of a hand-written file, so
// that a save from the form keeps it as written: {raw: {key: [lines, indented for an item]},
// priority, colour (their written values), flow: true when the item is written {...} on one
// line (then nothing can be kept and the form must not save it)}.
export function itemExtras(yaml, line) {
  const lines = (yaml || "").split("\n");
  const first = lines[line - 1];
  const extras = { raw: {}, priority: "", colour: "", flow: false };
  if (first === undefined) return extras;
  const dash = /^(\s*)-\s+/.exec(first);
  if (dash && /^\s*-\s+\{/.test(first)) {
    extras.flow = !/^\s*-\s+\{[^{}[\]]*\}\s*(#.*)?$/.test(first) ||
                  /[{,]\s*(schedule|colour|weight)\s*:/.test(first);
    return extras;
  }
  const indent = dash ? dash[0].length : first.length - first.trimStart().length;
  const body = [" ".repeat(indent) + first.slice(indent)];
  for (const text of lines.slice(line)) {
    const depth = text.length - text.trimStart().length;
    if (text.trim() && !text.trimStart().startsWith("#") && depth < indent) break;
    body.push(text);
  }
  let key = null;
  for (const text of body) {
    const depth = text.length - text.trimStart().length;
    const top = depth === indent && /^([A-Za-z_][\w-]*)\s*:(.*)$/.exec(text.trim());
    if (top) {
      key = top[1];
      const value = top[2].replace(/\s+#.*$/, "").trim().replace(/^"(.*)"$/, "$1");
      if (key === "priority") extras.priority = value;
      if (key === "colour") { extras.colour = value; key = null; continue; }
      if (kReturned.includes(key)) { key = null; continue; }
      extras.raw[key] = [];
    }
    if (key && text.trim()) extras.raw[key].push("    " + text.slice(Math.min(indent, depth)));
  }
  return extras;
}
