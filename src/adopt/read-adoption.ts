import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { loadComposeProject } from "../compose/load-compose-project.js";
import { StackError } from "../errors/stack-error.js";
import { NAME_PATTERN } from "../stack/stack-config.js";
import type { Adoption, ProjectFiles } from "./adopt-model.js";
import { adoptProject } from "./adopt-project.js";
import { composeViews } from "./compose-views.js";

/** Names of the layers create-stack writes: a project file by one of them would be overwritten. */
const OUR_LAYERS = new Set(["compose.yaml", "compose.dev.yaml", "compose.proxy.yaml", "compose.tools.yaml", "compose.start-interval.yaml", "compose.watch.yaml"]);

/**
 * The project on disk, read-only. Each path is read or looked at once: adopt asks about the same
 * mounts and contexts for every service that shares them (a 100-service project: hundreds of stats).
 */
export function diskProjectFiles(root: string): ProjectFiles {
  const once = <T>(fn: (abs: string) => T) => {
    const seen = new Map<string, T>();
    return (abs: string): T => {
      if (!seen.has(abs)) seen.set(abs, fn(abs));
      return seen.get(abs)!;
    };
  };
  return {
    root,
    read: once((abs) => {
      try {
        return readFileSync(abs, "utf8");
      } catch {
        return undefined;
      }
    }),
    isDirectory: once((abs) => {
      try {
        return statSync(abs).isDirectory();
      } catch {
        return false;
      }
    }),
    list: once((dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    }),
  };
}

/** A compose project name as a stack name (^[a-z][a-z0-9-]*$). */
export function stackNameOf(projectName: string): string {
  const name = projectName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return NAME_PATTERN.test(name) ? name : `p-${name || "project"}`;
}

/**
 * Reads the compose project in `root` as compose would (the -f files, else COMPOSE_FILE from
 * .env, else the default names) and maps it. Throws located StackErrors for unreadable input.
 */
export function readAdoption(root: string, files: readonly string[] | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Adoption {
  const project = loadComposeProject({ cwd: root, ...(files?.length ? { files } : {}), env });
  for (const f of project.files) {
    if (resolve(f, "..") === resolve(root) && OUR_LAYERS.has(basename(f))) {
      throw new StackError({
        code: "E_ADOPT_FILE_CLASH",
        message: `${basename(f)} is one of your compose files, and create-stack writes its own layer by that name`,
        location: { file: f },
        hint: "rename it (e.g. to docker-compose.yml) and run dev adopt again; nothing was written",
      });
    }
  }
  const views = composeViews(project);
  const adoption = adoptProject({
    name: stackNameOf(project.name),
    compose: project.files,
    services: views.services,
    disabled: [...project.disabledServices.keys()],
    files: diskProjectFiles(resolve(root)),
  });
  adoption.unmapped.unshift(...views.unmapped);
  return adoption;
}
