import { afterEach, describe, expect, it, vi } from "vitest";
import { Channel } from "@tauri-apps/api/core";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import * as api from "./api";
import { ApiError, call, errorMessage, onLocked, toApiError } from "./api";
import { setLanguage } from "./i18n";

afterEach(() => {
  clearMocks();
  onLocked(null);
});

describe("call()", () => {
  it("resolves with the command's result and passes arguments", async () => {
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      if (cmd === "echo") return { echoed: (args as { text: string }).text };
      throw new Error(`unexpected ${cmd}`);
    });
    await expect(call<{ echoed: string }>("echo", { text: "hi" })).resolves.toEqual({ echoed: "hi" });
    expect(seen).toHaveLength(1);
    expect(seen[0].args).toMatchObject({ text: "hi" });
  });

  it("turns a {code, message, retry_after_ms} rejection into an ApiError", async () => {
    mockIPC(() => {
      throw { code: "wrong_passphrase", message: "wrong passphrase; wait 2 s", retry_after_ms: 2000 };
    });
    const error = await call("unlock", { passphrase: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("wrong_passphrase");
    expect((error as ApiError).retryAfterMs).toBe(2000);
    expect((error as ApiError).message).toBe("wrong passphrase; wait 2 s");
  });

  it("turns a plain string rejection into an ApiError with code 'ipc'", async () => {
    mockIPC(() => {
      throw "Command nope not found";
    });
    const error = await call("nope").catch((e: unknown) => e);
    expect((error as ApiError).code).toBe("ipc");
  });

  it("tells the locked listener when any command answers `locked`", async () => {
    const listener = vi.fn();
    onLocked(listener);
    mockIPC(() => {
      throw { code: "locked", message: "the store is locked" };
    });
    await expect(api.personList()).rejects.toMatchObject({ code: "locked" });
    expect(listener).toHaveBeenCalledTimes(1);
    mockIPC(() => {
      throw { code: "not_found", message: "no person" };
    });
    await expect(api.personPage("x")).rejects.toMatchObject({ code: "not_found" });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe("typed wrappers", () => {
  it("send the argument names the Rust commands take", async () => {
    const seen: Record<string, unknown> = {};
    mockIPC((cmd, args) => {
      seen[cmd] = args;
      const a = args as { path: string; purpose: string };
      if (cmd === "grant_file") return { token: `t:${a.purpose}:${a.path}`, path: a.path };
      return null;
    });
    await api.recordEdit("person", "id-1", { sex: "male" });
    await api.resolve("id-1", "name", { choice: "pick", value: "dev:1:0" });
    await api.pickFile("export_bundle", "bundle.nansen");
    await api.changePassphrase("old one", "new one");
    await api.audit();
    await api.enrolApprove("/r", "/o", false);
    await api.conflicts({ after: "c1" });
    await api.personCounts("loc-osh");
    await api.recordList("location", { q: "osh", after: "l1" });
    expect(seen.record_edit).toEqual({ kind: "person", id: "id-1", input: { sex: "male" } });
    expect(seen.resolve).toEqual({ id: "id-1", field: "name", choice: { choice: "pick", value: "dev:1:0" } });
    expect(seen.pick_file).toEqual({ purpose: "export_bundle", suggestedName: "bundle.nansen" });
    expect(seen.change_passphrase).toEqual({ current: "old one", new: "new one" });
    expect(seen.audit).toEqual({ id: null, page: null });
    expect(seen.conflicts).toEqual({ page: { after: "c1" } });
    expect(seen.person_counts).toEqual({ location: "loc-osh" });
    expect(seen.record_list).toEqual({ kind: "location", query: { q: "osh", after: "l1" } });
    expect(seen.enrol_approve).toEqual({ request: "t:enrol_request_in:/r", out: "t:enrolment_out:/o", hq: false });
  });

  it("hands Rust a token, never a path: the picked file's own, or one granted for a typed path", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      calls.push({ cmd, args: a });
      if (cmd === "pick_file") return { token: "picked-token", path: "/media/usb/photo.jpg" };
      if (cmd === "grant_file") return { token: "typed-token", path: a.path };
      return { id: "a1" };
    });
    expect(await api.pickFile("attachment")).toBe("/media/usb/photo.jpg");
    await api.attachmentAdd("/media/usb/photo.jpg", { caption: "gate" });
    expect(calls.at(-1)).toEqual({ cmd: "attachment_add", args: { file: "picked-token", input: { caption: "gate" } } });
    // The same path for another purpose is not the picked file: Rust decides.
    await api.importPreview("/media/usb/photo.jpg");
    expect(calls.at(-2)).toEqual({ cmd: "grant_file", args: { path: "/media/usb/photo.jpg", purpose: "import_bundle" } });
    expect(calls.at(-1)).toEqual({ cmd: "import_preview", args: { file: "typed-token" } });
  });

  it("passes progress through a Channel for export", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "grant_file") return { token: "tok", path: (args as { path: string }).path };
      const a = args as { onProgress: Channel<unknown>; peer: string; full: boolean; file: string };
      expect(cmd).toBe("export_bundle");
      expect(a.onProgress).toBeInstanceOf(Channel);
      expect([a.peer, a.full, a.file]).toEqual(["Osh", false, "tok"]);
      a.onProgress.onmessage({ stage: "collecting", done: 1, total: 2 });
      return { changes: 2 };
    });
    const progress: unknown[] = [];
    await api.exportBundle({ peer: "Osh", full: false, path: "/media/usb/b.nansen" }, (p) => progress.push(p));
    expect(progress).toEqual([{ stage: "collecting", done: 1, total: 2 }]);
  });
});

describe("toApiError()", () => {
  it("keeps ApiErrors and wraps everything else", () => {
    const original = new ApiError("a", "b");
    expect(toApiError(original)).toBe(original);
    expect(toApiError(new Error("boom")).code).toBe("ipc");
    expect(toApiError(42).code).toBe("unknown");
  });
});

describe("errorMessage()", () => {
  afterEach(async () => {
    await setLanguage("en");
  });

  it("shows the core's message for its reason in the UI's language, with its parameters", async () => {
    const rejection = {
      code: "invalid_input",
      reason: "field_required",
      params: { kind: "person", field: "name" },
      message: "a person needs a 'name'",
    };
    expect(errorMessage(rejection)).toBe("A Person needs a 'Name'");
    await setLanguage("ru");
    expect(errorMessage(rejection)).toBe("Лицо: нужно заполнить поле «Имя»");
  });

  it("says a refused bundle was refused, in the UI's language", async () => {
    await setLanguage("ru");
    const text = errorMessage({
      code: "bundle_rejected",
      reason: "bad_bundle_signature",
      params: {},
      message: "bundle rejected: its signature does not match its content: it was altered or forged; nothing was imported",
    });
    expect(text).toMatch(/^Пакет отклонён/);
    expect(text).toMatch(/подпись/);
  });

  it("keeps the core's English when a reason is unknown or its parameters are missing", async () => {
    await setLanguage("ru");
    expect(errorMessage({ code: "internal", reason: "internal", params: {}, message: "thread panicked" })).toBe(
      "thread panicked",
    );
    expect(errorMessage({ code: "invalid_input", reason: "field_required", params: {}, message: "old backend" })).toBe(
      "old backend",
    );
  });
});
