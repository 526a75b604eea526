// What the console's browser test stands on: the panel simulator and bangtind on loopback ports
// they pick themselves, an editor's account, and Debian's Chromium, all stopped at the end.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const kChromium = "/usr/bin/chromium";
const children = [];

export function scratch() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "bangtin-browser-"));
}

// Starts `program` and resolves with the first match of `pattern` in its standard error (all of
// which is kept in `log` for failures); rejects if it exits or says nothing matching in time.
export function start(name, program, args, pattern, log, timeoutMs = 15000) {
  const child = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not say ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      log.push(...chunk.split("\n").filter(Boolean).map((line) => `[${name}] ${line}`));
      text += chunk;
      const match = pattern.exec(text);
      if (match) { clearTimeout(timer); resolve({ child, match }); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code})`)); });
    child.on("error", (error) => { clearTimeout(timer); reject(error); });
  });
}

export function addAccount(bangtin, config, name, role, password) {
  const result = spawnSync(bangtin, ["user", "add", name, "--role", role, "--config", config],
                           { input: password + "\n", encoding: "utf8" });
  if (result.status !== 0) throw new Error(`bangtin user add failed: ${result.stderr}`);
}

export async function browser(userDataDir) {
  if (!fs.existsSync(kChromium))
    throw new Error(`${kChromium} is missing: run .ci/install-deps (Debian's chromium)`);
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: kChromium,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
}

// Resolves when `check()` (sync or async) returns something truthy, checking again whenever
// `directory` changes (a file renamed into place) and at most every `everyMs` otherwise.
export function until(what, check, { timeoutMs = 10000, everyMs = 50, directory } = {}) {
  return new Promise((resolve, reject) => {
    let done = false, busy = false, poll = null;
    const watcher = directory ? fs.watch(directory, () => attempt()) : null;
    const finish = (error, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer); clearInterval(poll);
      if (watcher) watcher.close();
      error ? reject(error) : resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    async function attempt() {
      if (done || busy) return;
      busy = true;
      try {
        const value = await check();
        if (value) finish(null, value);
      } catch (error) {
        if (error.fatal) finish(error);
      } finally { busy = false; }
    }
    poll = setInterval(attempt, everyMs);
    attempt();
  });
}
