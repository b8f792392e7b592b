/**
 * The start command a Dockerfile gives its image: the last ENTRYPOINT followed by the last CMD
 * (CMD alone when there is no ENTRYPOINT), as Docker combines them. Shell forms run through
 * /bin/sh -c, as Docker runs them. Undefined when the Dockerfile names neither.
 */
export function dockerfileStartCommand(text: string): string[] | undefined {
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  // Continuation lines joined first, comments dropped.
  const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/).filter((l) => !/^\s*#/.test(l));
  for (const line of lines) {
    const m = /^\s*(ENTRYPOINT|CMD|FROM)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const kind = m[1]!.toUpperCase();
    if (kind === "FROM") {
      // A new stage starts from scratch (multi-stage builds: the last stage is the image).
      entrypoint = undefined;
      cmd = undefined;
      continue;
    }
    const form = parseForm(m[2]!.trim());
    if (kind === "ENTRYPOINT") {
      entrypoint = form;
      cmd = undefined;
    } else cmd = form;
  }
  if (!entrypoint && !cmd) return undefined;
  return [...(entrypoint ?? []), ...(cmd ?? [])];
}

function parseForm(value: string): string[] {
  if (value.startsWith("[")) {
    try {
      const arr = JSON.parse(value) as unknown;
      if (Array.isArray(arr) && arr.every((a) => typeof a === "string")) return arr;
    } catch {
      // Not valid JSON: Docker then treats it as shell form too.
    }
  }
  return ["/bin/sh", "-c", value];
}
