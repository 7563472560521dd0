import { afterEach, beforeEach, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { fileToken, mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import SheetSaver from "./SheetSaver.svelte";

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    urgent_sheet: ({ id, lang }: Record<string, unknown>) => ({
      path: "/media/usb/ua.pdf",
      subject: { kind: "person", id, label: "Imminent risk of forcible return — Jamshid Rahimov" },
      reference: "UA 17860B2D",
      lang,
      pages: 2,
      bytes: 40000,
    }),
  });
  await unlockedSession();
});
afterEach(resetComponentTest);

it("writes the urgent-action sheet in the chosen language to the typed path", async () => {
  render(SheetSaver, { id: "p1", name: "Жамшид Раҳимов" });
  await fireEvent.click(screen.getByTestId("sheet-open"));
  const save = screen.getByTestId("sheet-save") as HTMLButtonElement;
  expect(save.disabled).toBe(true);
  await fireEvent.change(screen.getByTestId("sheet-lang"), { target: { value: "ru" } });
  await fireEvent.input(screen.getByTestId("sheet-path"), { target: { value: "/media/usb/ua.pdf" } });
  await fireEvent.click(save);
  const done = await screen.findByTestId("sheet-done");
  expect(done.textContent).toContain("UA 17860B2D, 2 pages");
  expect(backend.argsOf("urgent_sheet")).toEqual([{ id: "p1", lang: "ru", file: fileToken("report_sheet", "/media/usb/ua.pdf") }]);
});

it("shows the backend's refusal in the person's language", async () => {
  mockBackend({
    urgent_sheet: () => {
      throw { code: "invalid_input", reason: "sheet_exists", params: { path: "/tmp/ua.pdf" }, message: "/tmp/ua.pdf already exists" };
    },
  });
  render(SheetSaver, { id: "p1", name: "Aziz" });
  await fireEvent.click(screen.getByTestId("sheet-open"));
  await fireEvent.input(screen.getByTestId("sheet-path"), { target: { value: "/tmp/ua.pdf" } });
  await fireEvent.click(screen.getByTestId("sheet-save"));
  expect((await screen.findByTestId("sheet-error")).textContent).toContain("/tmp/ua.pdf already exists");
});
