import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { setLanguage } from "../../lib/i18n";
import type { DataExportReport, ExportLogEntry } from "../../lib/types";
import { fileToken, mockBackend, page, unlockedSession } from "../../test/backend";
import { resetComponentTest } from "../../test/reset";
import Exports from "./Exports.svelte";

/** What the core reports for an export, with the request's own choices. */
function report(args: Record<string, unknown>, more: Partial<DataExportReport> = {}): DataExportReport {
  const aggregate = args.kind === "aggregate";
  return {
    id: 7,
    path: "/media/usb/out",
    kind: args.kind as DataExportReport["kind"],
    profile: args.profile as DataExportReport["profile"],
    format: args.format as DataExportReport["format"],
    records: 17,
    rows: aggregate ? 4 : 17,
    bytes: 6144,
    confirmed: (args.confirmed as string[]) ?? [],
    key: args.profile === "pseudonymised" ? "store" : null,
    key_fingerprint: args.profile === "pseudonymised" ? "3f9a 12c0" : null,
    k: (args.k as number | null) ?? null,
    level: (args.level as DataExportReport["level"]) ?? null,
    suppressed_primary: aggregate ? 3 : null,
    suppressed_secondary: aggregate ? 2 : null,
    truncated_cells: 0,
    at: "2026-01-15T10:00:00Z",
    author: "Dilnoza",
    ...more,
  };
}

const logEntry = (r: DataExportReport): ExportLogEntry => ({
  id: r.id,
  at: r.at,
  author: r.author,
  office: "Osh",
  device: "56f66554",
  kind: r.kind,
  profile: r.profile,
  format: r.format,
  records: r.records,
  rows: r.rows,
  file: r.path,
  bytes: r.bytes,
  confirmed: r.confirmed,
  key_fingerprint: r.key_fingerprint,
  k: r.k,
  level: r.level,
  suppressed: r.suppressed_primary === null ? null : (r.suppressed_primary ?? 0) + (r.suppressed_secondary ?? 0),
});

let backend: ReturnType<typeof mockBackend>;

/** A backend whose export log holds what was exported through it. */
function exportingBackend(confidential: Record<string, { id: string; label: string }[]> = {}) {
  const written: ExportLogEntry[] = [];
  return mockBackend({
    export_confidential: ({ kind }: Record<string, unknown>) => confidential[kind as string] ?? [],
    export_data: (args: Record<string, unknown>) => {
      const r = report(args, { id: written.length + 1 });
      written.unshift(logEntry(r));
      return r;
    },
    export_log: () => page([...written]),
  });
}

beforeEach(async () => {
  backend = exportingBackend();
  await unlockedSession();
});
afterEach(resetComponentTest);

const write = () => screen.getByTestId("export-write") as HTMLButtonElement;
const typePath = (path: string) => fireEvent.input(screen.getByTestId("export-path"), { target: { value: path } });

describe("data exports", () => {
  it("writes a pseudonymised XLSX of persons to a typed path and shows it in the export log", async () => {
    render(Exports);
    expect((screen.getByTestId("export-kind-person") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("export-profile-pseudonymised") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("export-format-xlsx") as HTMLInputElement).checked).toBe(true);
    // HXL is for the aggregate table only.
    expect((screen.getByTestId("export-format-hxl") as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/A stable pseudonym instead of names/)).toBeTruthy();
    expect(await screen.findByTestId("export-confidential-none")).toBeTruthy();
    expect(await screen.findByTestId("export-log-empty")).toBeTruthy();
    expect(write().disabled).toBe(true);

    await typePath("/media/usb/persons.xlsx");
    await waitFor(() => expect(write().disabled).toBe(false));
    await fireEvent.click(write());

    const done = await screen.findByTestId("export-done");
    expect(done.textContent).toContain("17 rows written");
    expect(done.textContent).toContain("17 records exported");
    expect(done.textContent).toContain("3f9a 12c0");
    expect(screen.getByTestId("export-done-logged").textContent).toBe("Recorded in the export log as entry 1.");
    expect(backend.argsOf("export_data")).toEqual([
      {
        kind: "person",
        profile: "pseudonymised",
        format: "xlsx",
        confirmed: [],
        k: null,
        level: null,
        file: fileToken("data_export", "/media/usb/persons.xlsx"),
      },
    ]);
    expect(backend.argsOf("export_confidential")).toEqual([{ kind: "person" }]);
    // The log is read again: the new entry is there, marked.
    const row = await screen.findByTestId("export-log-row");
    expect(row.getAttribute("data-id")).toBe("1");
    expect(row.classList.contains("export-log-new")).toBe(true);
    expect(row.textContent).toContain("Persons · Pseudonymised ·");
    expect(row.textContent).toContain("Dilnoza");
  });

  it("lets strictly confidential records leave only when each is ticked", async () => {
    backend = exportingBackend({
      person: [
        { id: "p1", label: "Jamshid Rahimov" },
        { id: "p2", label: "Aziz Karimov" },
      ],
    });
    render(Exports);
    await fireEvent.click(screen.getByTestId("export-profile-named"));
    const boxes = await screen.findAllByTestId("export-confirm");
    expect(boxes.map((b) => b.getAttribute("data-id"))).toEqual(["p1", "p2"]);
    expect(screen.getByText(/Let “Jamshid Rahimov” leave in this export/)).toBeTruthy();
    await typePath("/media/usb/named.csv");
    await fireEvent.click(screen.getByTestId("export-format-csv"));
    expect(screen.getByTestId("export-unconfirmed").textContent).toBe("2 records are not confirmed yet.");
    expect(write().disabled).toBe(true);

    await fireEvent.click(boxes[1]);
    expect(screen.getByTestId("export-unconfirmed").textContent).toBe("1 record is not confirmed yet.");
    expect(write().disabled).toBe(true);
    await fireEvent.click(boxes[0]);
    expect(screen.queryByTestId("export-unconfirmed")).toBeNull();
    expect(write().disabled).toBe(false);
    await fireEvent.click(write());

    expect((await screen.findByTestId("export-done-confirmed")).textContent).toContain("2 strictly confidential records left");
    expect(backend.argsOf("export_data")[0]).toMatchObject({ kind: "person", profile: "named", format: "csv", confirmed: ["p1", "p2"] });
    // A confirmation is for one export: the next one asks again.
    expect((screen.getAllByTestId("export-confirm") as HTMLInputElement[]).map((b) => b.checked)).toEqual([false, false]);
    expect(write().disabled).toBe(true);
    // Another kind has its own records to confirm: the ticks do not carry over.
    await fireEvent.click(screen.getByTestId("export-kind-event"));
    expect(await screen.findByTestId("export-confidential-none")).toBeTruthy();
    expect(backend.argsOf("export_confidential").map((a) => a.kind)).toEqual(["person", "event"]);
  });

  it("lists again a record marked strictly confidential since, and refuses until it is ticked too", async () => {
    const listed = [{ id: "p1", label: "Jamshid Rahimov" }];
    backend = mockBackend({
      export_confidential: () => [...listed],
      export_log: page([]),
      export_data: (args: Record<string, unknown>) => {
        const held = listed.filter((r) => !(args.confirmed as string[]).includes(r.id));
        if (held.length) {
          throw { code: "invalid_input", reason: "export_needs_confirmation", params: { count: String(held.length), ids: held.map((r) => r.id).join(", ") }, message: "refused" };
        }
        return report(args);
      },
    });
    render(Exports);
    await fireEvent.click(await screen.findByTestId("export-confirm"));
    await typePath("/media/usb/persons.xlsx");
    // A sync marks another person strictly confidential before the export is written.
    listed.push({ id: "p9", label: "Aziz Karimov" });
    await fireEvent.click(write());
    expect((await screen.findByTestId("export-error")).textContent).toContain("Another record was marked strictly confidential meanwhile");
    await waitFor(() => expect(screen.getAllByTestId("export-confirm")).toHaveLength(2));
    const [first, second] = screen.getAllByTestId("export-confirm") as HTMLInputElement[];
    expect(first.checked).toBe(true);
    expect(second.checked).toBe(false);
    expect(write().disabled).toBe(true);
    await fireEvent.click(second);
    await fireEvent.click(write());
    await screen.findByTestId("export-done");
    expect(backend.argsOf("export_data").map((a) => a.confirmed)).toEqual([["p1"], ["p1", "p9"]]);
  });

  it("writes the aggregate table as HXL with k = 5 unless changed, and shows the suppressed cells", async () => {
    render(Exports);
    await fireEvent.click(screen.getByTestId("export-kind-aggregate"));
    expect((screen.getByTestId("export-profile-aggregate") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("export-format-hxl") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("export-k") as HTMLInputElement).value).toBe("5");
    expect(screen.queryByTestId("export-confidential")).toBeNull();
    expect(screen.getByText(/cells under 5 persons are suppressed/)).toBeTruthy();

    await typePath("/media/usb/aggregate.csv");
    await fireEvent.input(screen.getByTestId("export-k"), { target: { value: "1" } });
    expect(write().disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("export-k"), { target: { value: "5" } });
    await fireEvent.change(screen.getByTestId("export-level"), { target: { value: "country" } });
    expect(write().disabled).toBe(false);
    await fireEvent.click(write());

    expect((await screen.findByTestId("export-done-suppressed")).textContent).toBe(
      "5 cells suppressed (3 under 5 persons, 2 so that none can be worked out from the totals)",
    );
    expect(screen.getByTestId("export-done").textContent).toContain("17 persons counted");
    expect(backend.argsOf("export_data")).toEqual([
      { kind: "aggregate", profile: "aggregate", format: "hxl", confirmed: [], k: 5, level: "country", file: fileToken("data_export", "/media/usb/aggregate.csv") },
    ]);
    // Choosing a list's profile goes back to a list, and HXL with it.
    await fireEvent.click(screen.getByTestId("export-profile-named"));
    expect((screen.getByTestId("export-kind-person") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("export-format-csv") as HTMLInputElement).checked).toBe(true);
  });

  it("asks for the file name the format writes", async () => {
    render(Exports);
    await typePath("/media/usb/persons.csv");
    expect(await screen.findByText("For this format the file name must end in .xlsx")).toBeTruthy();
    expect(write().disabled).toBe(true);
    expect(screen.getByTestId("export-path").getAttribute("aria-invalid")).toBe("true");
    await fireEvent.click(screen.getByTestId("export-format-csv"));
    await waitFor(() => expect(screen.queryByText(/must end in/)).toBeNull());
    // No longer marked invalid once it is right.
    expect(screen.getByTestId("export-path").getAttribute("aria-invalid")).toBeNull();
    expect(write().disabled).toBe(false);
  });

  it("shows the backend's refusal in the person's language", async () => {
    mockBackend({
      export_confidential: [],
      export_log: page([]),
      export_data: () => {
        throw { code: "invalid_input", reason: "file_exists", params: { path: "/tmp/a.xlsx" }, message: "/tmp/a.xlsx already exists" };
      },
    });
    await setLanguage("ru");
    render(Exports);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Экспорт данных");
    await typePath("/tmp/a.xlsx");
    await waitFor(() => expect(write().disabled).toBe(false));
    await fireEvent.click(write());
    const error = await screen.findByTestId("export-error");
    expect(error.textContent).toContain("Файл /tmp/a.xlsx уже существует");
    expect(screen.queryByTestId("export-done")).toBeNull();
  });
});
