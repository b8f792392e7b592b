import { join } from "node:path";
import { baseDirOf, dependencies, get, textOf, type ComposeProject, type MapNode } from "../../compose/index.js";
import type { LintContext, LintRule } from "../lint-rule.js";
import { servicesOf } from "../project-views.js";

/** Whether a service has a healthcheck: its own, or a HEALTHCHECK in the Dockerfile it builds. */
function hasHealthcheck(project: ComposeProject, svc: MapNode, ctx: LintContext): boolean | "unknown" {
  const hc = get(svc, "healthcheck");
  if (hc) {
    const disabled = get(hc, "disable");
    const test = get(hc, "test");
    const first = test?.kind === "seq" ? textOf(test.items[0]) : textOf(test);
    return !(disabled?.kind === "scalar" && disabled.value === true) && first !== "NONE";
  }
  const build = get(svc, "build");
  if (build) {
    const context = textOf(get(build, "context")) ?? ".";
    if (/^[a-z]+:\/\//i.test(context) || context.startsWith("git@")) return "unknown";
    const dir = join(baseDirOf(project, build.origin), context);
    const inline = textOf(get(build, "dockerfile_inline"));
    const text = inline ?? ctx.extra.readFile?.(join(dir, textOf(get(build, "dockerfile")) ?? "Dockerfile"));
    if (text === undefined) return "unknown";
    return /^\s*HEALTHCHECK\s+(?!NONE\b)/im.test(text);
  }
  return false;
}

export const dependsOnHealthy: LintRule = {
  meta: {
    id: "depends-on-healthy",
    severity: "error",
    docs: "depends_on with condition service_healthy on a service without a healthcheck: compose refuses to start the dependent service.",
    fixable: false,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const dep of dependencies(get(svc, "depends_on"))) {
        if (dep.condition !== "service_healthy") continue;
        const target = ctx.project.services.get(dep.service);
        if (!target) continue;
        if (hasHealthcheck(ctx.project, target, ctx) === false) {
          ctx.report(dep.origin, `${name} waits for ${dep.service} to be healthy, but ${dep.service} has no healthcheck${get(target, "image") && !get(target, "build") ? " (unless its image defines one)" : ""}: add one, or use condition: service_started`);
        }
      }
    }
  },
};

export const dependsOnUnknown: LintRule = {
  meta: {
    id: "depends-on-unknown",
    severity: "error",
    docs: "depends_on names a service the project does not define (after merging, in any profile): compose refuses the project.",
    fixable: false,
  },
  check(ctx) {
    const known = new Set([...ctx.project.services.keys(), ...ctx.project.disabledServices.keys()]);
    for (const [name, svc] of servicesOf(ctx.project)) {
      for (const dep of dependencies(get(svc, "depends_on"))) {
        if (!known.has(dep.service)) ctx.report(dep.origin, `${name} depends on ${dep.service}, which is not a service of this project (services: ${[...known].join(", ")})`);
      }
    }
  },
};
