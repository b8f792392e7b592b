/**
 * The images a Dockerfile builds on (FROM, COPY --from=image), with build args substituted,
 * so that a new base image counts as a changed input of the build. Pure. `undefined` when the
 * file does something whose inputs cannot be told from here (a remote ADD, a mount from another
 * image, a variable without a value): the caller then builds, as it would without knowing.
 */
export function dockerfileBases(text: string, buildArgs: Readonly<Record<string, string>>): string[] | undefined {
  const lines = logicalLines(text);
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const bases: string[] = [];
  let seenFrom = false;
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/s.exec(line);
    if (!m) continue;
    const instruction = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (instruction === "ARG" && !seenFrom) {
      // Only ARGs before the first FROM reach FROM lines; a build arg wins over the default.
      for (const decl of rest.split(/\s+/)) {
        const [name, ...value] = decl.split("=");
        if (!name) continue;
        const given = buildArgs[name] ?? (value.length ? unquote(value.join("=")) : undefined);
        if (given !== undefined) args.set(name, given);
        else args.delete(name);
      }
    } else if (instruction === "FROM") {
      seenFrom = true;
      const words = rest.split(/\s+/).filter((w) => !w.startsWith("--"));
      const image = substitute(words[0] ?? "", args);
      if (image === undefined || image === "") return undefined;
      if (!stages.has(image.toLowerCase()) && image !== "scratch") bases.push(image);
      if (words[1]?.toUpperCase() === "AS" && words[2]) stages.add(words[2].toLowerCase());
    } else if (instruction === "COPY" || instruction === "ADD") {
      const from = /--from=(\S+)/.exec(rest)?.[1];
      if (from !== undefined) {
        if (from.includes("$")) return undefined;
        if (!stages.has(from.toLowerCase()) && !/^\d+$/.test(from)) bases.push(from);
      }
      // Sources fetched at build time (a URL, a git repository) are inputs nothing here can see.
      if (instruction === "ADD" && /(^|\s)(https?:\/\/|git@|git:\/\/)/.test(rest)) return undefined;
    } else if (instruction === "RUN" && /--mount=[^\s]*from=/.test(rest)) {
      return undefined;
    }
  }
  return seenFrom ? [...new Set(bases)] : undefined;
}

/** Instructions with their continuation lines joined; comments and blank lines left out. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // A comment line, also inside a continued instruction (Docker drops those too).
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      current += line.slice(0, -1) + " ";
      continue;
    }
    current += line;
    if (current.trim()) out.push(current.trim());
    current = "";
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alt}; undefined when a variable has no value. */
function substitute(word: string, args: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const out = word.replace(/\$(?:\{(\w+)(?::([-+])([^}]*))?\}|(\w+))/g, (_, braced: string | undefined, op: string | undefined, alt: string | undefined, bare: string | undefined) => {
    const value = args.get((braced ?? bare)!);
    if (op === "-") return value ? value : (alt ?? "");
    if (op === "+") return value ? (alt ?? "") : "";
    if (value === undefined) unknown = true;
    return value ?? "";
  });
  return unknown ? undefined : out;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
