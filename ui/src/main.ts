import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

// Record Content-Security-Policy violations so the e2e suite can assert there
// are none (WebKitWebDriver exposes no console log).
const cspViolations: string[] = [];
(globalThis as { __nansenCspViolations?: string[] }).__nansenCspViolations = cspViolations;
document.addEventListener("securitypolicyviolation", (event) => {
  cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");

export default mount(App, { target });
