import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FileChange } from "../../watch/watcher.js";
import { createRestartScheduler } from "./restart-scheduler.js";
import { ECHO_WINDOW_MS, createSaveEchoes, looksMidWrite } from "./save-echoes.js";
import { mapChangesToServices, type ServiceChange } from "./map-changes.js";

beforeEach(() => vi.useFakeTimers({ now: 1_764_000_000_000 }));
afterEach(() => vi.useRealTimers());

const update = (path: string): FileChange => ({ path, kind: "update" });

/** A file system of stamps and sizes the test writes to. */
function disk() {
  const files = new Map<string, { version: number; size: number }>();
  return {
    write: (path: string, size: number) => files.set(path, { version: (files.get(path)?.version ?? 0) + 1, size }),
    stamp: (path: string) => (files.has(path) ? `${files.get(path)!.version}:${files.get(path)!.size}` : undefined),
    size: (path: string) => files.get(path)?.size,
  };
}

/** watch-loop's path from events to runs: echoes dropped, a file seen empty waits for its content. */
function loop(fs: ReturnType<typeof disk>, runMs: number) {
  const echoes = createSaveEchoes(fs.stamp);
  const runs: ServiceChange[] = [];
  const scheduler = createRestartScheduler({
    debounceMs: 30,
    burstDebounceMs: 1000,
    run: async (service, change) => {
      echoes.started(service, change.files);
      runs.push(change);
      await new Promise((r) => setTimeout(r, runMs));
      echoes.ended(service);
    },
  });
  const onChanges = (changes: FileChange[]) => {
    const fresh = echoes.fresh("api", changes);
    const change = mapChangesToServices(fresh, [{ name: "api", paths: ["services/api"], rebuildOn: [], reload: false }]).get("api");
    if (!change) return;
    if (looksMidWrite(fresh, fs.size)) change.burst = true;
    void scheduler.push("api", change);
  };
  return { runs, onChanges };
}

describe("one in-place save is one run", () => {
  it("the write's event arriving in a second batch while the run that read it goes on starts no second run", async () => {
    const fs = disk();
    const { runs, onChanges } = loop(fs, 500);
    const file = "services/api/settings.py";
    // Truncate and write land before the first batch is seen; the write's event comes late.
    fs.write(file, 0);
    fs.write(file, 120);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(1);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(runs).toHaveLength(1);
  });

  it("the late event just after a quick run ended is still the same write; a save later runs again", async () => {
    const fs = disk();
    const { runs, onChanges } = loop(fs, 50);
    const file = "services/api/app.py";
    fs.write(file, 10);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(200);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toHaveLength(1);
    // The same content saved again is a new write: it runs.
    fs.write(file, 10);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toHaveLength(2);
    // An event for an unchanged file long after its run is not taken for an echo either.
    await vi.advanceTimersByTimeAsync(ECHO_WINDOW_MS + 10);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toHaveLength(3);
  });

  it("a file changed while its run goes on runs again, with only the changed files", async () => {
    const fs = disk();
    const { runs, onChanges } = loop(fs, 500);
    fs.write("services/api/a.py", 5);
    fs.write("services/api/b.py", 5);
    onChanges([update("services/api/a.py"), update("services/api/b.py")]);
    await vi.advanceTimersByTimeAsync(100);
    fs.write("services/api/b.py", 6);
    onChanges([update("services/api/a.py"), update("services/api/b.py")]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(runs.map((r) => r.files)).toEqual([["services/api/a.py", "services/api/b.py"], ["services/api/b.py"]]);
  });

  it("a writer pausing between truncate and write: the emptied file waits for its content, one run", async () => {
    const fs = disk();
    const { runs, onChanges } = loop(fs, 300);
    const file = "services/api/urls.py";
    fs.write(file, 0);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(150);
    expect(runs).toHaveLength(0);
    fs.write(file, 80);
    onChanges([update(file)]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.files).toEqual([file]);
  });

  it("a new empty file is no half-written one", () => {
    expect(looksMidWrite([{ path: "pkg/__init__.py", kind: "create" }], () => 0)).toBe(false);
    expect(looksMidWrite([{ path: "pkg/app.py", kind: "update" }], () => 12)).toBe(false);
    expect(looksMidWrite([{ path: "pkg/app.py", kind: "update" }], () => 0)).toBe(true);
  });
});
