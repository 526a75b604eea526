// The console's changes, end to end: an item edited in the form (its preview following the
// keystrokes) goes on the simulator; an urgent notice goes on and comes off; the report
// downloads as a real XLSX; the audit shows who did it.
import fs from "node:fs";
import path from "node:path";
import { until } from "./harness.mjs";
import { readPng, sameLit, sameLitScrolled, readZip } from "./files.mjs";

// t: {page, base, dir, display, note, screenshot, daemonPicture, simulatorPicture}
async function onBoard(t, what, started, differentFrom) {
  const picture = await until(`the daemon to show ${what}`, async () => {
    const now = await t.daemonPicture();
    return !sameLit(now, differentFrom) && now;
  }, { timeoutMs: 3000 });
  const daemonMs = Date.now() - started;
  // Compared with the daemon's frame as it is then: a new item may take a moment to settle, and
  // a text that scrolls has moved on between the snapshot and the daemon's answer.
  const settled = await until(`the simulator to show ${what}`, async () => {
    const shown = t.simulatorPicture();
    const now = await t.daemonPicture();
    return shown && !sameLit(shown, differentFrom) && sameLitScrolled(shown, now) && now;
  }, { directory: t.dir, timeoutMs: 3000 });
  const simulatorMs = Date.now() - started;
  t.note(`${what}: on the daemon's frame after ${daemonMs} ms, in the simulator's snapshot (rewritten each second) after ${simulatorMs} ms`);
  if (daemonMs > 1000) throw new Error(`${what} took ${daemonMs} ms to reach the board (over 1 s)`);
  return settled;
}

export async function editSteps(t) {
  const { page } = t;
  // 3. Playlists: the form, a preview at each keystroke, a save that reaches the board.
  await page.click('#menu a[href="#danh-sach"]');
  await page.click('[data-playlist="bang-tin"]');
  const text = page.locator('.item-card [data-field="text"]').first();
  await text.waitFor();
  await page.locator('#preview[data-text="Xin chào"]').waitFor();
  const before = await page.locator("#preview").evaluate((canvas) => canvas.toDataURL());
  await text.fill("");
  await text.pressSequentially("Họp dân 8 giờ", { delay: 20 });
  await page.locator('#preview[data-text="Họp dân 8 giờ"]').waitFor({ timeout: 5000 });
  const after = await page.locator("#preview").evaluate((canvas) => canvas.toDataURL());
  if (after === before) throw new Error("the preview did not change with the text");
  t.note("preview followed the keystrokes");
  await t.screenshot(page, "danh-sach-sua");
  const original = await t.daemonPicture();
  const saved = Date.now();
  await page.click("#playlist-save");
  await page.locator("#save-result", { hasText: "Đã lưu" }).waitFor({ timeout: 5000 });
  const edited = await onBoard(t, "the edited item", saved, original);
  const written = fs.readFileSync(path.join(t.dir, "playlists", "bang-tin.yaml"), "utf8");
  const qrItem = written.slice(written.indexOf('id: "ma-qr"'));
  if (!qrItem.includes('qr: "HTTPS://DICHVUCONG.GOV.VN"') || !qrItem.includes("qr-level: L") ||
      /^\s*(text|effect):/m.test(qrItem.split("\n  - ")[0]))
    throw new Error("the save lost the QR item or gave it text:\n" + written);
  t.note("the QR item without text was kept as written");
  await t.screenshot(page, "danh-sach-da-luu");
  await page.click("#mode-yaml");
  await t.screenshot(page, "danh-sach-yaml");

  // 4. An urgent notice, two clicks from the home page, and ended early.
  await page.click('#menu a[href="#bang"]');
  await page.locator("#to-notice").click();
  await page.fill("#notice-text", "Mất điện lúc 14 giờ");
  const posted = Date.now();
  await page.click("#notice-send");
  await page.locator("#notice-result", { hasText: "Đã phát" }).waitFor({ timeout: 5000 });
  await onBoard(t, "the urgent notice", posted, edited);
  await page.locator("[data-notice]").first().waitFor();
  await t.screenshot(page, "thong-bao-khan");
  await page.click("[data-notice] button");
  await page.locator("#notice-result", { hasText: "Đã kết thúc" }).waitFor({ timeout: 5000 });
  await until("the edited item back on the board", async () => sameLit(await t.daemonPicture(), edited),
              { timeoutMs: 3000 });
  t.note("the notice ended and the edited item is back");

  // 5. The report, and its XLSX read back.
  await page.click('#menu a[href="#bao-cao"]');
  await page.locator("#report-totals", { hasText: "Tổng" }).waitFor({ timeout: 5000 });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#report-xlsx")]);
  const file = path.join(t.dir, "report.xlsx");
  await download.saveAs(file);
  const entries = readZip(fs.readFileSync(file));
  const sheets = [...entries.keys()].filter((name) => name.startsWith("xl/worksheets/"));
  if (!entries.has("xl/workbook.xml") || !sheets.length)
    throw new Error("the XLSX has no workbook or sheet: " + [...entries.keys()].join(", "));
  const rows = await page.locator("#report-table tbody tr").count();
  const everything = [...entries.values()].map((bytes) => bytes.toString("utf8")).join("\n");
  if (rows && !everything.includes(await page.locator("#report-table tbody tr td").nth(3).textContent()))
    throw new Error("the XLSX lacks the item the page shows");
  t.note(`XLSX: ${entries.size} entries, ${sheets.length} sheet(s), ${rows} row(s) on the page`);
  await t.screenshot(page, "bao-cao");

  // 6. The audit: the save and the notice, by this editor.
  await page.click('#menu a[href="#nhat-ky"]');
  await page.locator("#audit-table tbody tr", { hasText: "bang-tin" }).first().waitFor({ timeout: 5000 });
  await t.screenshot(page, "nhat-ky");
}
