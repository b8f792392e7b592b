/**
 * Reading compose's output: which lines show progress while it builds or pulls, and what to
 * suggest when it fails. Pure; compose v1 and v2 word things differently, both are recognised.
 */

// v1: "Building api", "Step 3/6 : RUN pip install ...", "Pulling postgres (postgres:16)...";
// v2 (plain progress): "#7 [api 3/6] RUN pip install ...".
const PROGRESS = [/^Building \S+$/, /^Step \d+\/\d+ : /, /^Pulling \S+ \(/, /^#\d+ \[[^\]]+\] /];

/** A line worth showing while `up --build` runs, trimmed; undefined for the rest. */
export function progressLine(line: string): string | undefined {
  const text = line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim();
  return PROGRESS.some((re) => re.test(text)) ? text.slice(0, 160) : undefined;
}

const PULL_FAILED = [
  /pull access denied/i,
  /manifest (for \S+ )?(unknown|not found)/i,
  /repository does not exist/i,
  /failed to resolve reference/i,
  /error pulling image/i,
  /(dial tcp|lookup) .*(no such host|i\/o timeout|connection refused|network is unreachable)/i,
  /TLS handshake timeout/i,
  /Get "?https:\/\/[^\s"]+"?: /i,
];

/** The hint for a failed compose command: an image that cannot be pulled has its own ways out. */
export function composeFailureHint(output: string[], fallback: string): string {
  const text = output.join("\n");
  if (!PULL_FAILED.some((re) => re.test(text))) return fallback;
  return (
    "an image could not be pulled (offline, or a registry this machine cannot reach): map it to one you have " +
    "with `images:` in stack.yaml (or `create-stack --image FROM=TO`); for the proxy, nginx (`create-stack --proxy nginx`) " +
    "replaces Traefik"
  );
}

/** The lines to quote from a failure: the end of everything compose wrote, both streams. */
export function failureLines(output: string[], max = 25): string[] {
  return output
    .map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trimEnd())
    .filter((l) => l.trim())
    .slice(-max);
}

const BUILD_ERROR = /ERROR|error:|failed to solve|returned a non-zero code|failed to build/;

/**
 * What a failed build says, without what differs between two services built from one folder:
 * BuildKit (compose v2) numbers its steps in the order they ran, times each output line and names
 * the service in every step (`#8 [api 4/4] RUN ...`, `#8 1.347 ...`); v1 names it in its last
 * line (`Service 'api' failed to build`). From the first error line on, with those taken out, api
 * and a worker sharing its folder give the same text when they fail the same way.
 */
export function buildFailureKey(output: string[], service: string): string {
  const name = new RegExp(`(?<=\\[|')${service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[ '\\]])`, "g");
  const lines = output.map((l) =>
    l
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
      .replace(/^#\d+ /, "")
      .replace(/^\d+\.\d+ /, "")
      .replace(name, "<service>")
      .trimEnd(),
  );
  const first = lines.findIndex((l) => BUILD_ERROR.test(l));
  return (first < 0 ? lines : lines.slice(first)).filter((l) => l.trim()).join("\n");
}
