// The `nansen` CLI (the same service API as the app) to prepare data dirs that
// a scenario needs: other offices, headquarters, enrolment, bundles.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./harness.mjs";

export const CLI = process.env.NANSEN_CLI ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO_ROOT, "target"), "debug", "nansen");
export const PASSPHRASE = "correct horse battery staple";

/** Run `nansen --data-dir DIR ...args`; with json, parse `--json` output. */
export function nansen(dir, args, { json = false, user } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: build it with \`cargo build -p nansen-cli\` or set NANSEN_CLI`);
  const argv = ["--data-dir", dir, ...(json ? ["--json"] : []), ...(user ? ["--user", user] : []), ...args];
  const out = execFileSync(CLI, argv, {
    env: { ...process.env, NANSEN_KDF_PROFILE: "test", NANSEN_PASSPHRASE: PASSPHRASE },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return json ? JSON.parse(out) : out;
}
