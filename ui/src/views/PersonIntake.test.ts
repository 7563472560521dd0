import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import type { Channel } from "@tauri-apps/api/core";
import { setLanguage } from "../lib/i18n";
import type { ColumnUse, IntakePreview, IntakeReport, Mapping, Progress, Refusal } from "../lib/types";
import { fileToken, mockBackend, unlockedSession } from "../test/backend";
import { resetComponentTest } from "../test/reset";
import PersonIntake from "./PersonIntake.svelte";

const FILE = "/media/usb/osh-list.csv";
const TOKEN = fileToken("spreadsheet", FILE);

/** What the file holds, as `intake_first_rows` reads it. */
const FIRST_ROWS = [
  ["ФИО", "Born", "Пол", "Camp ID", "Spelling"],
  ["Азиз Каримов", "1975~", "male", "A-117", "Aziz Karimov"],
  ["Dilshod Abdullaev", "2005-02-30", "male", "A-118", ""],
  ["", "1980", "female", "A-119", ""],
  ["Нодира Юсупова", "1990", "женский", "A-120;A-121", "Nodira Yusupova"],
];

const column = (position: number, header: string, target: ColumnUse["target"]): ColumnUse => ({ position, header, target, automatic: true });
/** How the core maps those headers by itself: "Spelling" names nothing it knows. */
const AUTO_COLUMNS = [
  column(1, "ФИО", { field: "name" }),
  column(2, "Born", { field: "birth_date" }),
  column(3, "Пол", { field: "sex" }),
  column(4, "Camp ID", { field: "identifier", type: "camp_id" }),
  column(5, "Spelling", { field: "ignore" }),
];

const REFUSED: Refusal[] = [
  {
    line: 3,
    reasons: [
      {
        position: 2,
        column: "Born",
        field: "birth_date",
        message: {
          reason: "no_such_day",
          params: { day: "30", field: "birth_date", month: "2005-02", value: "2005-02-30" },
          english: "'birth_date': '2005-02-30' is not a real date: 2005-02 has no day 30",
        },
      },
    ],
  },
  {
    line: 4,
    reasons: [
      {
        position: 1,
        column: "ФИО",
        field: "name",
        message: { reason: "field_required", params: { field: "name", kind: "person" }, english: "a person needs a 'name'" },
      },
    ],
  },
];

function preview(aliases: boolean): IntakePreview {
  return {
    file: FILE,
    sheet: null,
    columns: AUTO_COLUMNS,
    rows: 4,
    to_import: 2,
    already_present: 0,
    refused_count: 2,
    refused: REFUSED,
    sample: [
      {
        line: 2,
        id: "01a2294c-5447-7000-bb26-cf59fae806a3",
        input: {
          name: { text: "Азиз Каримов", lang: "und-Cyrl" },
          birth_date: "1975~",
          sex: "male",
          identifiers: [{ type: "camp_id", value: "A-117" }],
          ...(aliases ? { aliases: [{ text: "Aziz Karimov", lang: "und-Latn" }] } : {}),
        },
        groups: [],
      },
      {
        line: 5,
        id: "01a2294c-5447-7000-bb26-cf59fae806a4",
        input: {
          name: { text: "Нодира Юсупова", lang: "und-Cyrl" },
          birth_date: "1990",
          sex: "female",
          identifiers: [
            { type: "camp_id", value: "A-120" },
            { type: "camp_id", value: "A-121" },
          ],
          ...(aliases ? { aliases: [{ text: "Nodira Yusupova", lang: "und-Latn" }] } : {}),
        },
        groups: [],
      },
    ],
  };
}

const REPORT: IntakeReport = {
  file: FILE,
  sheet: null,
  columns: AUTO_COLUMNS,
  rows: 4,
  imported: 2,
  already_present: 0,
  refused_count: 2,
  refused: REFUSED,
  created: ["01a2294c-5447-7000-bb26-cf59fae806a3", "01a2294c-5447-7000-bb26-cf59fae806a4"],
  changes: 1,
  elapsed_ms: 40,
  // The two new persons wait to be compared with the rest.
  unchecked: 2,
};

/** The column the mapping names at `position`. */
const mapped = (mapping: Mapping | null, position: number) => mapping?.columns.find((c) => c.column === position)?.target;

let backend: ReturnType<typeof mockBackend>;

beforeEach(async () => {
  backend = mockBackend({
    intake_first_rows: FIRST_ROWS,
    // The alias column is previewed only when the mapping says so.
    intake_preview: ({ mapping }: Record<string, unknown>) => preview(mapped(mapping as Mapping | null, 5)?.field === "alias"),
    intake_persons: ({ onProgress }: Record<string, unknown>) => {
      const channel = onProgress as Channel<Progress>;
      channel.onmessage({ stage: "intake", done: 0, total: 4 });
      channel.onmessage({ stage: "intake", done: 4, total: 4 });
      return REPORT;
    },
  });
  await unlockedSession();
});

afterEach(resetComponentTest);

/** Types the path and reads the file: the columns step. */
async function readFile() {
  render(PersonIntake);
  await fireEvent.input(screen.getByTestId("intake-path"), { target: { value: FILE } });
  await fireEvent.click(screen.getByTestId("intake-read"));
  await screen.findByTestId("intake-columns-form");
}

const targets = () => screen.getAllByTestId("intake-target") as HTMLSelectElement[];

describe("Import a list of persons", () => {
  it("shows each column with its header, first values and what the automatic mapping made of it", async () => {
    await readFile();
    expect(backend.argsOf("intake_first_rows")).toEqual([{ file: TOKEN, sheet: null }]);
    // The automatic mapping comes from a preview with no mapping.
    expect(backend.argsOf("intake_preview")).toEqual([{ file: TOKEN, mapping: null }]);
    const rows = screen.getAllByTestId("intake-column");
    expect(rows).toHaveLength(5);
    expect(within(rows[0]).getByTestId("intake-column-header").textContent).toBe("ФИО");
    const samples = within(rows[0]).getByTestId("intake-column-samples").textContent;
    // Up to three values, empty cells skipped.
    expect(samples).toContain("Азиз Каримов");
    expect(samples).toContain("Dilshod Abdullaev");
    expect(samples).toContain("Нодира Юсупова");
    expect(targets().map((s) => s.value)).toEqual(["name", "birth_date", "sex", "identifier:camp_id", "ignore"]);
    // Every select is labelled by its column.
    expect(screen.getByLabelText("What column Spelling holds")).toBe(targets()[4]);
    // Identifier types come from the vocabulary, by label.
    expect([...targets()[3].options].map((o) => o.textContent)).toContain("Identifier: Passport");
  });

  it("sends a changed column to the preview, lists refused rows by line, and imports nothing before Import", async () => {
    await readFile();
    await fireEvent.change(targets()[4], { target: { value: "alias" } });
    await fireEvent.click(screen.getByTestId("intake-preview"));
    const step = await screen.findByTestId("intake-preview-step");

    const sent = backend.argsOf("intake_preview").at(-1)!;
    expect(sent.file).toBe(TOKEN);
    const mapping = sent.mapping as Mapping;
    expect(mapped(mapping, 5)).toEqual({ field: "alias" });
    expect(mapped(mapping, 4)).toEqual({ field: "identifier", type: "camp_id" });
    expect(mapping.columns).toHaveLength(5);

    expect(within(step).getByTestId("intake-new").textContent).toBe("2");
    expect(within(step).getByTestId("intake-refused-count").textContent).toBe("2");
    const refused = within(step).getAllByTestId("intake-refused-row");
    expect(refused.map((r) => within(r).getByTestId("intake-refused-line").textContent)).toEqual(["3", "4"]);
    expect(refused[0].textContent).toContain("Date of birth (column Born)");
    expect(refused[0].textContent).toContain("'2005-02-30' is not a real date: 2005-02 has no day 30");
    expect(refused[1].textContent).toContain("Name (column ФИО)");

    // The persons as they would be written, with the spellings the changed column gives.
    const sample = within(step).getAllByTestId("intake-sample-row");
    expect(sample).toHaveLength(2);
    expect(sample[0].textContent).toContain("Азиз Каримов");
    expect(sample[0].textContent).toContain("Aziz Karimov");
    expect(sample[1].textContent).toContain("Camp ID: A-120; Camp ID: A-121");
    expect(sample[1].textContent).toContain("Female");

    // Nothing has been imported yet: only Import does that.
    expect(backend.argsOf("intake_persons")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("intake-back-to-columns"));
    await screen.findByTestId("intake-columns-form");
    expect(targets()[4].value).toBe("alias");
    await fireEvent.click(screen.getByTestId("intake-preview"));
    await screen.findByTestId("intake-preview-step");
    expect(backend.argsOf("intake_persons")).toHaveLength(0);

    const button = screen.getByTestId("intake-import");
    expect(button.textContent?.trim()).toBe("Import 2 persons");
    await fireEvent.click(button);
    const report = await screen.findByTestId("intake-report");
    const imports = backend.argsOf("intake_persons");
    expect(imports).toHaveLength(1);
    // The import reads the file exactly as the preview did.
    expect(imports[0].file).toBe(TOKEN);
    expect(imports[0].mapping).toEqual(mapping);
    expect(screen.getByTestId("intake-done").textContent).toContain("Imported: 2. Imported before: 0. Refused: 2.");
    expect(screen.getByTestId("intake-progress").dataset.stage).toBe("done");
    expect(within(report).getAllByTestId("intake-refused-line").map((l) => l.textContent)).toEqual(["3", "4"]);
    expect(within(report).getByTestId("intake-show-persons").getAttribute("href")).toBe("#/persons");
    expect(within(report).getByTestId("intake-checking").textContent).toContain("You can go on working meanwhile");
  });

  it("shows the automatic preview again when no column was changed", async () => {
    await readFile();
    await fireEvent.click(screen.getByTestId("intake-preview"));
    await screen.findByTestId("intake-preview-step");
    expect(backend.argsOf("intake_preview")).toHaveLength(1);
    expect(screen.getAllByTestId("intake-refused-row")).toHaveLength(2);
  });

  it("lets the person choose the column of names when no header names it", async () => {
    backend = mockBackend({
      intake_first_rows: [["Who", "Born"], ["Азиз Каримов", "1975"]],
      intake_preview: ({ mapping }: Record<string, unknown>) => {
        if (mapped(mapping as Mapping | null, 1)?.field !== "name") {
          throw {
            code: "invalid",
            reason: "no_name_column",
            params: { columns: "Who, Born" },
            message: "no column is mapped to 'name'; map the column of names (the columns are: Who, Born)",
          };
        }
        return { ...preview(false), refused: [], refused_count: 0 };
      },
    });
    await readFile();
    expect(screen.getByTestId("intake-auto-error").textContent).toContain("No column is mapped to 'name'");
    // Nothing mapped: every column is left out until chosen.
    expect(targets().map((s) => s.value)).toEqual(["ignore", "ignore"]);
    await fireEvent.click(screen.getByTestId("intake-preview"));
    expect((await screen.findByTestId("intake-error")).textContent).toContain("No column is mapped to 'name'");
    await fireEvent.change(targets()[0], { target: { value: "name" } });
    await fireEvent.change(targets()[1], { target: { value: "birth_date" } });
    await fireEvent.click(screen.getByTestId("intake-preview"));
    await screen.findByTestId("intake-preview-step");
    expect((backend.argsOf("intake_preview").at(-1)!.mapping as Mapping).columns).toEqual([
      { column: 1, target: { field: "name" } },
      { column: 2, target: { field: "birth_date" } },
    ]);
    expect(screen.queryByTestId("intake-refused")).toBeNull();
  });

  it("says in Russian why a file cannot be read, and why rows are refused", async () => {
    await setLanguage("ru");
    mockBackend({
      intake_first_rows: () => {
        throw {
          code: "invalid",
          reason: "unsupported_file",
          params: { path: "/home/d/notes.txt" },
          message: "/home/d/notes.txt: persons are read from .csv and .xlsx files (also .xls, .xlsb and .ods)",
        };
      },
    });
    render(PersonIntake);
    await fireEvent.input(screen.getByTestId("intake-path"), { target: { value: "/home/d/notes.txt" } });
    await fireEvent.click(screen.getByTestId("intake-read"));
    expect((await screen.findByTestId("intake-error")).textContent).toBe(
      "/home/d/notes.txt: людей можно загрузить из файлов .csv и .xlsx (а также .xls, .xlsb и .ods)",
    );
    expect(screen.queryByTestId("intake-columns-form")).toBeNull();

    mockBackend({ intake_first_rows: FIRST_ROWS, intake_preview: () => preview(false) });
    await fireEvent.input(screen.getByTestId("intake-path"), { target: { value: FILE } });
    await fireEvent.click(screen.getByTestId("intake-read"));
    await screen.findByTestId("intake-columns-form");
    expect(screen.getByLabelText("Что содержит столбец ФИО")).toBe(targets()[0]);
    await fireEvent.click(screen.getByTestId("intake-preview"));
    const refused = await screen.findAllByTestId("intake-refused-row");
    expect(refused[0].textContent).toContain("Дата рождения (столбец Born)");
    expect(refused[0].textContent).not.toContain("is not a real date");
    expect(screen.getByTestId("intake-import").textContent?.trim()).toBe("Импортировать лиц: 2");
    // Switched back, the reasons follow.
    await setLanguage("en");
    await waitFor(() => expect(screen.getAllByTestId("intake-refused-row")[0].textContent).toContain("is not a real date"));
  });

  it("keeps the preview and says what to do when the import fails", async () => {
    backend = mockBackend({
      intake_first_rows: FIRST_ROWS,
      intake_preview: () => preview(false),
      intake_persons: () => {
        throw { code: "io", reason: "disk_full", params: {}, message: "the disk is full" };
      },
    });
    await readFile();
    await fireEvent.click(screen.getByTestId("intake-preview"));
    await fireEvent.click(await screen.findByTestId("intake-import"));
    const error = await screen.findByTestId("intake-error");
    expect(error.textContent).toContain("Importing the file again finishes the job");
    expect(screen.getByTestId("intake-preview-step")).toBeTruthy();
    await waitFor(() => expect((screen.getByTestId("intake-import") as HTMLButtonElement).disabled).toBe(false));
  });
});
