import type { StackImages } from "./stack-images.js";

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

/** Whether compose's output says an image could not be pulled. */
export function isPullFailure(output: string[]): boolean {
  const text = output.join("\n");
  return PULL_FAILED.some((re) => re.test(text));
}

/**
 * The hint for a failed compose command: an image that cannot be pulled has its own ways out,
 * told from what the stack uses (see stack-images.ts) when it is known.
 */
export function composeFailureHint(output: string[], fallback: string, images?: StackImages): string {
  if (!isPullFailure(output)) return fallback;
  if (!images) {
    return (
      "an image could not be pulled (offline, or a registry this machine cannot reach): map it to one you have " +
      "with `images:` in stack.yaml (or `create-stack --image FROM=TO`)"
    );
  }
  return pullFailureHint(images, failedImage(output));
}

// Where compose (v1, v2) and the builders (classic, BuildKit) name the image they could not get.
const FAILED_IMAGE = [
  /pull access denied for ([^\s,]+)/i,
  /failed to resolve source metadata for ([^\s:]+(?::[^\s:]+)?)/i,
  /manifest for (\S+) not found/i,
  /^Step \d+\/\d+ : FROM (\S+)/i,
  /^Pulling \S+ \((\S+)\)\.\.\./,
];

/** The image a failed pull names, without docker.io's implied prefixes; undefined when none is named. */
export function failedImage(output: string[]): string | undefined {
  const lines = output.map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim());
  for (const re of FAILED_IMAGE) {
    const hit = lines.map((l) => re.exec(l)?.[1]).filter((x): x is string => !!x && !x.includes("$")).pop();
    if (hit) return hit.replace(/^docker\.io\/(library\/)?/, "");
  }
  return undefined;
}

/**
 * What to do when an image cannot be pulled: the images the stack uses and the `images:` lines
 * that map them (to a mirror, or to images this machine has); a Dockerfile of the user's own is
 * changed there; a stack on another proxy can switch to nginx, one image fewer to find.
 */
export function pullFailureHint(images: StackImages, failed?: string): string {
  const named = failed ? ` (${failed})` : "";
  const lines = [`an image could not be pulled${named}: offline, or a registry this machine cannot reach.`];
  // The FROM of a Dockerfile of the user's own is no name `images:` maps.
  const ownFrom = failed !== undefined && images.ownDockerfiles.length > 0 && !images.mappable.some((m) => m.image === failed || m.mappedTo === failed);
  if (images.mappable.length && !ownFrom) {
    const list = images.mappable.map((m) => `${m.image} (${m.services.join(", ")}${m.mappedTo ? `; now mapped to ${m.mappedTo}` : ""})`);
    lines.push(`The stack uses: ${list.join(", ")}.`);
    lines.push("Map each to one this machine has or can pull (a mirror), in stack.yaml, then run the command again:");
    lines.push("  images:");
    for (const m of images.mappable) lines.push(`    ${m.image}: ${m.mappedTo ?? `registry.example.com/${m.image}`}`);
  }
  if (images.ownDockerfiles.length) {
    const names = images.ownDockerfiles.join(", ");
    lines.push(`${names} ${images.ownDockerfiles.length === 1 ? "is" : "are"} built from a Dockerfile of your own: \`images:\` does not change it; point its FROM at an image you have.`);
  }
  if (images.proxy && images.nginxImages?.length) {
    lines.push(
      `The proxy: \`dev add preset nginx --replace ${images.proxy}\` switches it to nginx (image ${images.nginxImages.join(", ")}); ` +
        "a new project: `create-stack --proxy nginx`.",
    );
  }
  return lines.join("\n");
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
