import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import { clearDrafts } from "./lib/drafts";
import { navigate } from "./lib/router";
import { SECTIONS } from "./lib/sections";
import { mockBackend, UNLOCKED } from "./test/backend";
import { resetComponentTest } from "./test/reset";

beforeEach(() => {
  navigate("persons");
});

afterEach(async () => {
  vi.useRealTimers();
  await resetComponentTest();
  clearDrafts();
});

describe("App", () => {
  it("first run when there is no store, unlock when locked", async () => {
    mockBackend({ app_state: { ...UNLOCKED, state: "uninitialised", info: null } });
    render(App);
    expect(await screen.findByTestId("first-run")).toBeTruthy();
    cleanup();
    mockBackend({ app_state: { ...UNLOCKED, state: "locked", info: null } });
    render(App);
    expect(await screen.findByTestId("unlock")).toBeTruthy();
  });

  it("shows every section, the office and user, and switches language at run time", async () => {
    mockBackend();
    render(App);
    await screen.findByTestId("shell");
    const items = document.querySelectorAll("[data-testid=nav] [data-section]");
    expect([...items].map((el) => el.getAttribute("data-section"))).toEqual([...SECTIONS]);
    expect(screen.getByTestId("who-office").textContent).toBe("Osh");
    expect(screen.getByTestId("who-user").textContent).toBe("Dilnoza");
    await fireEvent.click(screen.getByTestId("lang-ru"));
    expect(document.querySelector("[data-section=persons]")!.textContent).toContain("Лица");
    expect(screen.getByTestId("lock-now").textContent).toContain("Заблокировать");
  });

  it("tells the backend the language, so the labels it builds match the UI", async () => {
    const backend = mockBackend();
    render(App);
    await screen.findByTestId("shell");
    await fireEvent.click(screen.getByTestId("lang-ru"));
    await waitFor(() => expect(backend.argsOf("set_language")).toContainEqual({ lang: "ru" }));
  });

  it("offers Uzbek and Kyrgyz too, and tells the backend", async () => {
    const backend = mockBackend();
    render(App);
    await screen.findByTestId("shell");
    const buttons = document.querySelectorAll("[data-testid^=lang-]");
    expect([...buttons].map((b) => b.getAttribute("data-testid"))).toEqual(["lang-en", "lang-ky", "lang-ru", "lang-uz"]);
    for (const [lng, persons, lock] of [
      ["uz", "Shaxslar", "Hozir qulflash"],
      ["ky", "Адамдар", "Азыр кулпулоо"],
    ] as const) {
      await fireEvent.click(screen.getByTestId(`lang-${lng}`));
      expect(screen.getByTestId(`lang-${lng}`).getAttribute("aria-pressed")).toBe("true");
      expect(document.documentElement.lang).toBe(lng);
      expect(document.querySelector("[data-section=persons]")!.textContent).toContain(persons);
      expect(screen.getByTestId("lock-now").textContent).toContain(lock);
      await waitFor(() => expect(backend.argsOf("set_language")).toContainEqual({ lang: lng }));
    }
  });

  it("shows the number of open conflicts in the navigation", async () => {
    mockBackend({ info: { ...UNLOCKED.info, conflicts: 3 } });
    render(App);
    expect((await screen.findByTestId("conflicts-badge")).textContent).toBe("3");
  });

  it("Ctrl+L locks at once", async () => {
    const backend = mockBackend({ lock: { ...UNLOCKED, state: "locked", info: null } });
    render(App);
    await screen.findByTestId("shell");
    await fireEvent.keyDown(window, { key: "l", ctrlKey: true });
    expect(await screen.findByTestId("unlock")).toBeTruthy();
    expect(backend.argsOf("lock")).toHaveLength(1);
  });

  it("'/' focuses the search and 'n' opens a new record on a list page", async () => {
    mockBackend();
    render(App);
    const search = await screen.findByTestId("person-search");
    await fireEvent.keyDown(document.body, { key: "/" });
    expect(document.activeElement).toBe(search);
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(document.body, { key: "n" });
    expect(await screen.findByTestId("person-form")).toBeTruthy();
    // Esc closes the form.
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(await screen.findByTestId("view-persons")).toBeTruthy();
  });

  it("a `locked` answer brings up the unlock screen and keeps what was typed", async () => {
    let locked = false;
    mockBackend({
      app_state: () => (locked ? { ...UNLOCKED, state: "locked", info: null } : UNLOCKED),
      record_add: () => {
        locked = true;
        throw { code: "locked", message: "the store is locked; unlock it with your passphrase" };
      },
      unlock: () => {
        locked = false;
        return UNLOCKED;
      },
    });
    navigate("persons/new");
    render(App);
    const name = await screen.findByTestId("p-name");
    await fireEvent.input(name, { target: { value: "Азиз Каримов" } });
    await fireEvent.click(screen.getByTestId("form-save"));
    expect(await screen.findByTestId("unlock")).toBeTruthy();
    expect(screen.getByTestId("unlock-draft")).toBeTruthy();
    expect(screen.queryByTestId("shell")).toBeNull();

    await fireEvent.input(screen.getByTestId("unlock-passphrase"), { target: { value: "correct horse battery staple" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => expect((screen.getByTestId("p-name") as HTMLInputElement).value).toBe("Азиз Каримов"));
  });

  it("locks by itself after the configured idle minutes, and activity postpones it", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "Date"] });
    const backend = mockBackend({
      app_state: { ...UNLOCKED, idle_lock_minutes: 2 },
      lock: { ...UNLOCKED, state: "locked", info: null },
    });
    render(App);
    await vi.waitFor(() => expect(screen.getByTestId("shell")).toBeTruthy());
    await act(() => vi.advanceTimersByTime(90_000));
    // Someone is working: a key press restarts the count.
    await fireEvent.keyDown(document.body, { key: "Shift" });
    await act(() => vi.advanceTimersByTime(90_000));
    expect(backend.argsOf("lock")).toHaveLength(0);
    await act(() => vi.advanceTimersByTime(35_000));
    await vi.waitFor(() => expect(backend.argsOf("lock")).toHaveLength(1));
    await vi.waitFor(() => expect(screen.getByTestId("unlock")).toBeTruthy());
  });

  it("notices when the backend locked itself", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "Date"] });
    let state = "unlocked";
    mockBackend({ app_state: () => ({ ...UNLOCKED, state, info: state === "unlocked" ? UNLOCKED.info : null }) });
    render(App);
    await vi.waitFor(() => expect(screen.getByTestId("shell")).toBeTruthy());
    state = "locked";
    await act(() => vi.advanceTimersByTime(21_000));
    await vi.waitFor(() => expect(screen.getByTestId("unlock")).toBeTruthy());
  });
});
