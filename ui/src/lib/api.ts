// The ONLY module that talks to the Rust side. Every other module calls
// `call()` (or a typed wrapper below) and never imports `invoke` directly.
import { invoke } from "@tauri-apps/api/core";

/** An error returned by a Rust command, serialised as `{ code, message }`. */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

function isCodedError(value: unknown): value is { code: string; message: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Normalise anything an `invoke` can reject with into an ApiError. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (isCodedError(reason)) return new ApiError(reason.code, reason.message);
  // Tauri itself rejects with plain strings (unknown command, denied by ACL...).
  if (typeof reason === "string") return new ApiError("ipc", reason);
  if (reason instanceof Error) return new ApiError("ipc", reason.message);
  return new ApiError("unknown", String(reason));
}

/** Invoke a Tauri command; rejections become `ApiError`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toApiError(reason);
  }
}

// ---- Typed wrappers, one per Rust command -------------------------------

export interface AppInfo {
  name: string;
  version: string;
  data_dir: string;
}

export const appInfo = (): Promise<AppInfo> => call<AppInfo>("app_info");
