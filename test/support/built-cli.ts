import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CREATE_STACK_CLI = join(ROOT, "dist/bin/create-stack.js");
export const DEV_CLI = join(ROOT, "dist/bin/dev.js");

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(full)
      : (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) || entry.name.endsWith(".schema.json")
        ? { path: full, mtimeMs: statSync(full).mtimeMs }
        : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** Why the built CLI cannot be trusted to be the code in src/, or undefined when it can. */
export function builtCliProblem(): string | undefined {
  const missing = [CREATE_STACK_CLI, DEV_CLI].filter((f) => !existsSync(f));
  if (missing.length) return `${missing.map((f) => relative(ROOT, f)).join(" and ")} missing`;
  const built = Math.min(statSync(CREATE_STACK_CLI).mtimeMs, statSync(DEV_CLI).mtimeMs);
  // The build compiles the JSON Schemas into the bundle: an edited schema needs a build too.
  const source = [newestSource(join(ROOT, "src")), newestSource(join(ROOT, "schema"))].reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  if (source.mtimeMs > built) return `dist/ is older than ${relative(ROOT, source.path)}`;
  return undefined;
}

/**
 * Tests of the built CLI must test the code in src/: build when dist/ is missing or older than a
 * source file, and fail, saying what is wrong, when the build does not fix it. Never skip.
 */
export function ensureBuiltCli(): void {
  const problem = builtCliProblem();
  if (!problem) return;
  try {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe", encoding: "utf8" });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${problem} and \`npm run build\` failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
  const still = builtCliProblem();
  if (still) throw new Error(`${still} even after \`npm run build\``);
}
