import { readStateJson, writeStateJson } from "../fs/state-dir.js";
import { readDevUp } from "../dev/dev-up-record.js";

export const DASHBOARD_FILE = "dashboard.json";

/** Where `dev open --ui` finds the running dashboard. The URL carries the token: readable by the user only. */
export async function recordDashboard(root: string, url: string): Promise<void> {
  await writeStateJson(root, DASHBOARD_FILE, { pid: process.pid, url }, { mode: 0o600 });
}

/** The dashboard of the dev up running for this project, if one runs and serves one. */
export async function readDashboard(root: string): Promise<string | undefined> {
  const up = await readDevUp(root);
  const rec = await readStateJson<{ pid?: number; url?: string }>(root, DASHBOARD_FILE);
  return up && rec?.pid === up.pid && typeof rec.url === "string" ? rec.url : undefined;
}
