import { StackError } from "../errors/stack-error.js";
import { contentHash } from "../fs/content-hash.js";
import { assertConflictsAreNoLinks } from "../fs/flush-plan.js";
import { generatedState } from "../fs/generated-header.js";
import type { FileReader, Plan, PlannedFile } from "../fs/plan.js";

export type DesiredFile = Omit<PlannedFile, "action" | "reason">;

/** Decides what happens to each file by comparing with what is on disk now. */
export function diffPlan(files: DesiredFile[], reader: FileReader): PlannedFile[] {
  return files.map((f) => {
    const current = reader.read(f.path);
    if (current === undefined) return { ...f, action: "create", base: null };
    if (current === f.content) return { ...f, action: "unchanged" };
    switch (f.owner) {
      case "starter":
        return { ...f, action: "skip", reason: "exists and is yours to edit" };
      case "generated":
        return generatedState(current) === "pristine"
          ? { ...f, action: "update", base: contentHash(current) }
          : { ...f, action: "conflict", reason: "edited by hand since create-stack generated it" };
      case "docs":
        return generatedState(current) === "pristine"
          ? { ...f, action: "update", base: contentHash(current) }
          : { ...f, action: "skip", reason: "edited by hand: yours, no longer regenerated" };
      default:
        return { ...f, action: "update", base: contentHash(current) };
    }
  });
}

/**
 * Generated files the stack no longer needs (a dropped proxy's layer and config): deleted when
 * pristine, kept and reported when edited by hand.
 */
export function planDeletes(candidates: string[], wanted: DesiredFile[], reader: FileReader): PlannedFile[] {
  const out: PlannedFile[] = [];
  for (const path of new Set(candidates)) {
    if (wanted.some((f) => f.path === path)) continue;
    const current = reader.read(path);
    if (current === undefined) continue;
    out.push(
      generatedState(current) === "pristine"
        ? { path, content: "", owner: "generated", action: "delete", base: contentHash(current) }
        : { path, content: current, owner: "generated", action: "skip", reason: "no longer generated; kept because it was edited by hand" },
    );
  }
  return out;
}

/** Refuses the whole plan, before anything is written, if it would overwrite a hand edit. */
export function assertNoConflicts(plan: Plan): void {
  const conflicts = plan.files.filter((f) => f.action === "conflict");
  if (conflicts.length === 0) return;
  assertConflictsAreNoLinks(plan);
  throw new StackError({
    code: "E_USER_EDITED",
    message: `${conflicts.length === 1 ? "a generated file was" : "generated files were"} edited by hand; nothing was written`,
    details: conflicts.map((f) => `${f.path}: ${f.reason}`),
    hint:
      "move the change into stack.yaml (or into a compose file of your own listed in COMPOSE_FILE in .env), " +
      "then delete the edited file so it is generated again",
    exitCode: 1,
  });
}

export function changedFiles(plan: Plan): PlannedFile[] {
  return plan.files.filter((f) => f.action === "create" || f.action === "update" || f.action === "delete");
}
