import { realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PACKAGE_ROOT } from "../fs/package-paths.js";

/** `dev` through npx: the package named `dev` on the npm registry is an unrelated one. */
export const NPX_DEV = "npx -p create-stack dev";

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * How the user runs this package's `dev` from their shell: `dev` when the first `dev` on PATH is
 * ours (a global install, npm link), else through npx. npx puts its own folder (.../_npx/...) on
 * PATH only while it runs, so that one does not count: after `npx create-stack`, `dev` is not there.
 */
export function devCommand(pathEnv = process.env.PATH ?? "", ownBin = join(PACKAGE_ROOT, "dist/bin/dev.js")): string {
  const own = realPath(ownBin);
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir || /[\\/]_npx[\\/]/.test(dir)) continue;
    const found = realPath(join(dir, "dev"));
    if (found !== undefined) return found === own ? "dev" : NPX_DEV;
  }
  return NPX_DEV;
}
