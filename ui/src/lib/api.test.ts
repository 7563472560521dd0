import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ApiError, appInfo, call, toApiError } from "./api";

afterEach(() => {
  clearMocks();
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
    expect(seen[0].cmd).toBe("echo");
    expect(seen[0].args).toMatchObject({ text: "hi" });
  });

  it("turns a {code, message} rejection into an ApiError", async () => {
    mockIPC(() => {
      throw { code: "not_found", message: "no such person" };
    });
    const error = await call("get_person", { id: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect((error as ApiError).code).toBe("not_found");
    expect((error as ApiError).message).toBe("no such person");
  });

  it("turns a plain string rejection into an ApiError with code 'ipc'", async () => {
    mockIPC(() => {
      throw "Command nope not found";
    });
    const error = await call("nope").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("ipc");
    expect((error as ApiError).message).toContain("not found");
  });

  it("appInfo() calls app_info", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return { name: "Nansen", version: "0.1.0", data_dir: "/tmp/x" };
      throw new Error(`unexpected ${cmd}`);
    });
    await expect(appInfo()).resolves.toEqual({ name: "Nansen", version: "0.1.0", data_dir: "/tmp/x" });
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
