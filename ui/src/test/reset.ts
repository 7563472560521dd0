// Undoes what a component test leaves behind, so that no test sees another's
// rendered components, fake backend, session, route or language:
// `afterEach(resetComponentTest)`.
import { cleanup } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { setLanguage } from "../lib/i18n";
import { session } from "../lib/session";
import { unchecked } from "../lib/duplicateCheck";

export async function resetComponentTest(): Promise<void> {
  cleanup();
  clearMocks();
  session.set(null);
  unchecked.set(null);
  history.replaceState(null, "", "/");
  await setLanguage("en");
}
