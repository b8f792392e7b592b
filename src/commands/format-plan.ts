import type { Plan } from "../fs/plan.js";

const LABEL: Record<string, string> = { create: "CREATE", update: "UPDATE", delete: "DELETE", unchanged: "same  ", skip: "KEEP  ", conflict: "EDITED" };

/** One line per file, Nx style: what would happen to it, and why when it is not written. */
export function formatPlan(plan: Plan, opts: { all?: boolean } = {}): string {
  return plan.files
    .filter((f) => opts.all || f.action !== "unchanged")
    .map((f) => `${LABEL[f.action]} ${f.path}${f.reason ? `  (${f.reason})` : ""}`)
    .join("\n");
}

export function planToJson(plan: Plan, written: string[]): object {
  return {
    ok: true,
    root: plan.root,
    files: plan.files.map((f) => ({ path: f.path, action: f.action, owner: f.owner, ...(f.reason ? { reason: f.reason } : {}) })),
    written,
    notes: plan.notes,
  };
}
