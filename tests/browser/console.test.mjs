// End to end in Debian's headless Chromium: the operator console served by a real bangtind
// driving a real panel simulator, both on loopback. Usage:
//   node console.test.mjs BANGTIND BANGTIN PANEL_SIM SCREENSHOT_DIR
// Each page is kept as SCREENSHOT_DIR/NN-name.png; on failure the processes' logs are printed.
import fs from "node:fs";
import path from "node:path";
import { scratch, start, addAccount, browser, stopAll, until } from "./harness.mjs";
import { readPng, sameLit, litCount } from "./files.mjs";
import { editSteps } from "./edits.mjs";

const [bangtind, bangtin, panelSim, shots] = process.argv.slice(2);
if (!shots) {
  console.error("usage: node console.test.mjs BANGTIND BANGTIN PANEL_SIM SCREENSHOT_DIR");
  process.exit(2);
}
const kDisplay = "cong-ubnd";
const kUser = "bientap", kPassword = "mật khẩu của biên tập viên";
const log = [];
const began = Date.now();
const note = (text) => console.log(`${((Date.now() - began) / 1000).toFixed(2)} s  ${text}`);

const dir = scratch();
fs.mkdirSync(shots, { recursive: true });
for (const old of fs.readdirSync(shots)) if (old.endsWith(".png")) fs.rmSync(path.join(shots, old));
const snapshot = path.join(dir, "panel.png");
let shotNumber = 0;
async function screenshot(page, name) {
  const file = path.join(shots, `${String(++shotNumber).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  note(`screenshot ${path.basename(file)}`);
}

// The picture the simulator committed last (its --snapshot, rewritten every second).
function simulatorPicture() {
  try { return readPng(fs.readFileSync(snapshot)); } catch { return null; }
}

async function main() {
  // The board: a 128x32 mono panel on a port of its own choosing.
  const sim = await start("panel-sim", panelSim,
    ["--listen", "127.0.0.1:0", "--size", "128x32", "--pixel", "mono", "--snapshot", snapshot, "--scale", "1"],
    /modbus-tcp:\/\/127\.0\.0\.1:(\d+)/, log);
  const simPort = sim.match[1];

  // One playlist with one still item, so that what the board shows only changes when we do.
  fs.mkdirSync(path.join(dir, "playlists"));
  fs.writeFileSync(path.join(dir, "playlists", "bang-tin.yaml"), [
    "# Written by hand: the browser test's playlist.",
    "playlist: bang-tin",
    "title: Bảng tin thử",
    "items:",
    "  - id: chao-mung",
    '    text: "Xin chào"',
    "    effect: static",
    "    duration: 1h",
    "    targets: [street]",
    "  # A QR code without text, kept off the board (its date is past): a save from the form",
    "  # must keep it as written, and write no text for it.",
    "  - id: ma-qr",
    '    qr: "HTTPS://DICHVUCONG.GOV.VN"',
    "    qr-level: L",
    "    duration: 10s",
    "    targets: [street]",
    "    schedule: {dates: 2020-01-01}", ""].join("\n"));
  const config = path.join(dir, "bangtin.yaml");
  fs.writeFileSync(config, [
    'timezone: "+07:00"', "playlists: playlists/", "state: state",
    'console: {listen: "127.0.0.1:0"}', "displays:",
    `  - name: ${kDisplay}`, "    size: 128x32", "    pixel: mono",
    `    link: modbus-tcp://127.0.0.1:${simPort}?unit=1`, "    groups: [street]", ""].join("\n"));
  addAccount(bangtin, config, kUser, "editor", kPassword);
  const daemon = await start("bangtind", bangtind, ["--config", config],
                             /console: listening on (http:\/\/127\.0\.0\.1:\d+)\//, log);
  const base = daemon.match[1];
  note(`simulator on ${simPort}, console on ${base}`);

  const context = await browser(path.join(dir, "chromium"));
  const page = context.pages()[0] || await context.newPage();
  page.on("pageerror", (error) => log.push(`[page] ${error.message}`));
  page.on("console", (message) => { if (message.type() === "error") log.push(`[page] ${message.text()}`); });

  // 1. Sign in: a wrong password is refused in Vietnamese, the right one opens the boards.
  await page.goto(base + "/");
  await page.locator("#sign-in").waitFor();
  await page.fill("#name", kUser);
  await page.fill("#password", "sai mật khẩu");
  await page.click("#sign-in button[type=submit]");
  await page.locator("#sign-in-error", { hasText: "Sai tên đăng nhập hoặc mật khẩu" }).waitFor();
  await screenshot(page, "dang-nhap-sai");
  await page.fill("#password", kPassword);
  await page.click("#sign-in button[type=submit]");
  await page.locator("#page-bang").waitFor();
  note("signed in");

  // 2. The boards now: connected, on air, and a live picture of lit LEDs that keeps coming.
  const card = page.locator(`[data-display="${kDisplay}"]`);
  await card.locator(".board-link", { hasText: "Đang kết nối" }).waitFor({ timeout: 10000 });
  await card.locator(".board-on-air", { hasText: "chao-mung" }).waitFor({ timeout: 10000 });
  const pictures = async () => Number(await card.getAttribute("data-pictures") || 0);
  const first = await pictures();
  await page.waitForFunction(([name, after]) => {
    const node = document.querySelector(`[data-display="${name}"]`);
    return Number(node.dataset.pictures || 0) >= after + 2;
  }, [kDisplay, first], { timeout: 5000 });
  const lit = await card.locator("canvas").evaluate((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 150) ++count;
    return { width: canvas.width, height: canvas.height, count };
  });
  if (lit.width < 128 || lit.count === 0) throw new Error(`the board's picture is empty: ${JSON.stringify(lit)}`);
  note(`boards page: picture ${lit.width}x${lit.height}, ${lit.count} lit pixels, refreshed ${(await pictures()) - first}+ times`);
  await screenshot(page, "bang-dang-phat");

  // The simulator shows what the daemon says it shows.
  const daemonPicture = async () => {
    const response = await page.request.get(`${base}/api/displays/${kDisplay}/preview.png?scale=1`);
    if (!response.ok()) throw Object.assign(new Error(`preview.png: ${response.status()}`), { fatal: true });
    return readPng(await response.body());
  };
  const shown = await daemonPicture();
  await until("the simulator to show the daemon's frame", () => {
    const picture = simulatorPicture();
    return picture && sameLit(picture, shown);
  }, { directory: dir, timeoutMs: 5000 });
  note(`simulator shows the daemon's frame (${litCount(shown)} LEDs lit)`);

  // A phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "bang-dang-phat-dien-thoai");
  await page.setViewportSize({ width: 1280, height: 900 });

  await editSteps({ page, base, dir, display: kDisplay, note, screenshot, daemonPicture, simulatorPicture });

  // 7. Accounts: an editor sees no one else's account, changes their own password (the current
  // one first), is signed out, and signs in with the new one.
  await page.click('#menu a[href="#tai-khoan"]');
  await page.locator("#own-password").waitFor();
  if (await page.locator("#users-table").isVisible()) throw new Error("an editor sees the accounts");
  await page.fill("#own-current", "đoán bừa thôi");
  await page.fill("#own-new", "mật khẩu mới của biên tập");
  await page.click('#own-password button[type="submit"]');
  await page.locator("#own-result", { hasText: "không đúng" }).waitFor({ timeout: 5000 });
  await page.fill("#own-current", kPassword);
  await page.click('#own-password button[type="submit"]');
  await page.locator("#own-result", { hasText: "Đã đổi mật khẩu" }).waitFor({ timeout: 5000 });
  await screenshot(page, "tai-khoan");
  await page.locator("#sign-in").waitFor({ state: "visible", timeout: 5000 });
  await page.fill("#name", kUser);
  await page.fill("#password", "mật khẩu mới của biên tập");
  await page.click('#sign-in button[type="submit"]');
  await page.locator("#top-bar").waitFor({ state: "visible", timeout: 5000 });
  note("own password changed; signed out, and in again with the new one");
  await context.close();
}

const watchdog = setTimeout(() => { console.error("browser test: over 50 s, giving up"); finish(1); }, 50000);
function finish(code) {
  clearTimeout(watchdog);
  stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
main().then(() => { note("passed"); finish(0); }, (error) => {
  console.error("browser test failed: " + (error.stack || error));
  console.error(log.slice(-80).join("\n"));
  finish(1);
});
