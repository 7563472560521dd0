// End-to-end harness: drives the real Nansen binary through tauri-driver
// (which drives WebKitWebDriver) with WebdriverIO's `remote()`.
//
//   import { test } from "node:test";
//   import { withApp } from "../harness.mjs";
//   test("something", (t) => withApp(t, async (app) => {
//     await app.step("open settings", () => app.clickText("Settings"));
//     assert.equal(await app.text("[data-testid=about-version]"), "0.1.0");
//   }));
//
// Every test gets a fresh data dir (NANSEN_DATA_DIR) and fresh XDG dirs, so
// WebKit state (localStorage, caches) never leaks between tests or into $HOME.
// The driver and the app are always shut down and temp dirs removed, even when
// the test fails. A PNG is saved after every step into artifacts/<test>/.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "../..");
export const ARTIFACTS = join(here, "artifacts");

/** The binary under test: $NANSEN_APP, else target/debug/nansen-desktop (from `tauri build --debug`). */
export const APP_BINARY = resolve(
  process.env.NANSEN_APP ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO_ROOT, "target"), "debug", "nansen-desktop"),
);

function findTauriDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin", "tauri-driver");
  return existsSync(cargoBin) ? cargoBin : "tauri-driver";
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A file or folder name from a test or step name: at most `max` characters, cut
 * between words. A name that had to be cut ends in a short hash of the whole
 * name, so two long names that start alike still get folders of their own.
 */
export function slug(text, max = 60) {
  const whole = String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  if (!whole) return "test";
  if (whole.length <= max) return whole;
  const hash = createHash("sha256").update(String(text)).digest("hex").slice(0, 6);
  const room = max - hash.length - 1;
  // The last whole word that fits; a single word longer than that is cut where it must be.
  const boundary = whole.lastIndexOf("-", room);
  const head = boundary > 0 ? whole.slice(0, boundary) : whole.slice(0, room);
  return `${head}-${hash}`;
}

/** XPath string literal for arbitrary text (handles both quote kinds). */
function xpathLiteral(text) {
  if (!text.includes('"')) return `"${text}"`;
  if (!text.includes("'")) return `'${text}'`;
  return `concat(${text
    .split('"')
    .map((part) => `"${part}"`)
    .join(`, '"', `)})`;
}

async function waitForDriver(port, driver, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited early with code ${driver.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
      lastError = new Error(`status ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`tauri-driver not ready on port ${port} after ${timeoutMs} ms: ${lastError}`);
}

function killGroup(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the process group we created with `detached: true`
    // (tauri-driver, the WebKitWebDriver it spawned, and the app).
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopDriver(driver) {
  if (!driver || driver.exitCode !== null || driver.signalCode !== null) return;
  const exited = new Promise((res) => driver.once("exit", res));
  killGroup(driver, "SIGTERM");
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    killGroup(driver, "SIGKILL");
    await Promise.race([exited, sleep(2000)]);
  }
}

/**
 * Start the app with fresh state, run `fn(app)`, and always clean up.
 * @param {import("node:test").TestContext | {name: string}} t
 * @param {(app: App) => Promise<void>} fn
 * @param {{ env?: Record<string,string>, keepDataDir?: boolean }} [options]
 */
export async function withApp(t, fn, options = {}) {
  if (!existsSync(APP_BINARY)) {
    throw new Error(`${APP_BINARY} not found: build it with \`make app\` (tauri build --debug --no-bundle)`);
  }
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error('no display: run under xvfb-run -a -s "-screen 0 1280x800x24"');
  }

  // The test's own name (a subtest's, not its parent's): distinct folders per app run.
  const name = slug(t.name ?? t.fullName);
  const tmp = mkdtempSync(join(tmpdir(), `nansen-e2e-${name.slice(0, 20)}-`));
  const dataDir = join(tmp, "data");
  const xdg = { data: join(tmp, "xdg-data"), cache: join(tmp, "xdg-cache"), config: join(tmp, "xdg-config") };
  for (const dir of [dataDir, ...Object.values(xdg)]) mkdirSync(dir, { recursive: true });
  const artifacts = join(ARTIFACTS, name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const port = await freePort();
  const nativePort = await freePort();
  const driverLog = [];
  let driver;
  let browser;
  let app;
  let failed = false;

  try {
    driver = spawn(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], {
      // Everything here reaches the app: tauri-driver -> WebKitWebDriver -> app.
      env: {
        ...process.env,
        NANSEN_DATA_DIR: dataDir,
        XDG_DATA_HOME: xdg.data,
        XDG_CACHE_HOME: xdg.cache,
        XDG_CONFIG_HOME: xdg.config,
        // Fast key derivation: the interactive profile takes seconds per unlock.
        NANSEN_KDF_PROFILE: "test",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const collect = (chunk) => driverLog.push(chunk.toString());
    driver.stdout.on("data", collect);
    driver.stderr.on("data", collect);
    await waitForDriver(port, driver, 15000);

    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "silent",
      connectionRetryCount: 0,
      capabilities: {
        "tauri:options": { application: APP_BINARY },
        // WebKitWebDriver speaks classic WebDriver only, not BiDi.
        "wdio:enforceWebDriverClassic": true,
      },
    });

    app = new App(browser, { artifacts, dataDir, tmp });
    await app.waitFor("#app > *", { timeout: 20000 });
    await fn(app);
  } catch (error) {
    failed = true;
    if (app) await app.screenshot("failure").catch(() => {});
    if (driverLog.length) {
      writeFileSync(join(artifacts, "tauri-driver.log"), driverLog.join(""));
    }
    throw error;
  } finally {
    if (browser) await Promise.race([browser.deleteSession().catch(() => {}), sleep(5000)]);
    await stopDriver(driver);
    if (!(options.keepDataDir || (failed && process.env.NANSEN_E2E_KEEP_TMP))) {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** Small helpers over a WebdriverIO browser. */
export class App {
  #steps = 0;

  constructor(browser, { artifacts, dataDir, tmp }) {
    this.browser = browser;
    this.artifacts = artifacts;
    this.dataDir = dataDir;
    this.tmp = tmp;
  }

  /** Element by CSS selector (WebdriverIO chainable). */
  $(css) {
    return this.browser.$(css);
  }

  $$(css) {
    return this.browser.$$(css);
  }

  /** Element whose visible text is exactly `text` (optionally restricted to a tag). */
  byText(text, tag = "*") {
    return this.browser.$(`//${tag}[normalize-space(.)=${xpathLiteral(text)}]`);
  }

  async click(css) {
    const el = await this.$(css);
    await el.waitForClickable({ timeout: 10000 });
    await el.click();
  }

  async clickText(text, tag = "*") {
    const el = await this.byText(text, tag);
    await el.waitForClickable({ timeout: 10000 });
    await el.click();
  }

  /** Replace an input's value by typing `text`. */
  async type(css, text) {
    const el = await this.$(css);
    await el.waitForDisplayed({ timeout: 10000 });
    await el.clearValue();
    await el.setValue(text);
  }

  /** Press keys, e.g. app.keys("Enter") or app.keys(["Control", "a"]). */
  async keys(keys) {
    await this.browser.keys(keys);
  }

  async text(css) {
    const el = await this.$(css);
    await el.waitForDisplayed({ timeout: 10000 });
    return (await el.getText()).trim();
  }

  /**
   * Wait until a CSS selector is displayed, or until `predicate()` is truthy.
   * Returns the element / the predicate's value.
   */
  async waitFor(target, { timeout = 10000, message } = {}) {
    if (typeof target === "string") {
      // While the window is still loading its page (just after start), a lookup can
      // land as the first document unloads: WebKit then fails it ("Callback was not
      // called before the unload event"). That is not an answer, so it is asked again.
      let el;
      await this.browser.waitUntil(
        async () => {
          try {
            el = await this.$(target);
            return await el.isDisplayed();
          } catch (e) {
            if (/before the unload event|no such frame/i.test(String(e?.message ?? e))) return false;
            throw e;
          }
        },
        { timeout, interval: 100, timeoutMsg: message ?? `${target} not displayed after ${timeout} ms` },
      );
      return el;
    }
    let value;
    await this.browser.waitUntil(async () => (value = await target()), {
      timeout,
      interval: 100,
      timeoutMsg: message ?? `condition not met after ${timeout} ms`,
    });
    return value;
  }

  /** Wait until `css` shows exactly `expected` as its text. */
  async waitForText(css, expected, { timeout = 10000 } = {}) {
    return this.waitFor(
      async () => {
        const els = await this.$$(css);
        if (els.length === 0) return false;
        return (await els[0].getText()).trim() === expected;
      },
      { timeout, message: `${css} never showed ${JSON.stringify(expected)}` },
    );
  }

  /** Run JS in the page (returns its result). */
  async execute(fn, ...args) {
    return this.browser.execute(fn, ...args);
  }

  /** Save a PNG of the window into artifacts/<test>/. Returns its path. */
  async screenshot(label) {
    const file = join(this.artifacts, `${String(++this.#steps).padStart(2, "0")}-${slug(label)}.png`);
    await this.browser.saveScreenshot(file);
    return file;
  }

  /** Run one named step of a test and screenshot the result. */
  async step(label, fn) {
    const result = await fn();
    await this.screenshot(label);
    return result;
  }
}
