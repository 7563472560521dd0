import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n";
import { SECTIONS } from "./lib/sections";

afterEach(async () => {
  cleanup();
  history.replaceState(null, "", "/");
  clearMocks();
  await setLanguage("en");
});

describe("App shell", () => {
  it("shows every section in the navigation", () => {
    render(App);
    const items = document.querySelectorAll("[data-testid=nav] [data-section]");
    expect([...items].map((el) => el.getAttribute("data-section"))).toEqual([...SECTIONS]);
    expect(screen.getByRole("button", { name: "Persons" })).toBeTruthy();
  });

  it("switches the labels to Russian at run time", async () => {
    render(App);
    await fireEvent.click(screen.getByTestId("lang-ru"));
    expect(screen.getByRole("button", { name: "Лица" })).toBeTruthy();
    expect(screen.getByTestId("lang-ru").getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(screen.getByTestId("lang-en"));
    expect(screen.getByRole("button", { name: "Persons" })).toBeTruthy();
  });

  it("shows app_info in Settings", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return { name: "Nansen", version: "9.9.9", data_dir: "/data/here" };
      throw { code: "unknown_command", message: cmd };
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    expect((await screen.findByTestId("about-version")).textContent).toBe("9.9.9");
    expect(screen.getByTestId("about-data-dir").textContent).toBe("/data/here");
  });

  it("shows an error when app_info fails", async () => {
    mockIPC(() => {
      throw { code: "data_dir", message: "no home" };
    });
    render(App);
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    expect((await screen.findByTestId("about-error")).textContent).toContain("no home");
  });
});
