/** Readiness as values, one retry loop underneath: everything that waits goes through here. */
export { waitFor, type Readiness, type ProbeResult, type WaitOptions } from "./wait-for.js";
export { allOf, failuresOf, firstOf } from "./combinators.js";
export { containerHealthy } from "./container-healthy.js";
export { portAnswers } from "./port-answers.js";
export { PROXY_GET_MIN_MS, proxyGetTimeoutMs, routeServedBy } from "./route-served.js";
export { condition } from "./condition.js";
export { backingOff, type BackoffOptions } from "./backing-off.js";
export { portListening } from "./port-listening.js";
