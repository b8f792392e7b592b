import { spawn, type ChildProcess } from "node:child_process";
import { DEV } from "./support.js";

/** A running `dev` command whose output lines a test can wait for. */
export class DevProcess {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];
  private exitCode: number | undefined;
  readonly exited: Promise<number>;

  constructor(cwd: string, args: string[]) {
    this.child = spawn("node", [DEV, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let rest = "";
    const onData = (d: Buffer) => {
      const parts = (rest + d.toString()).split("\n");
      rest = parts.pop() ?? "";
      this.lines.push(...parts);
      this.waiters.splice(0).forEach((w) => w());
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) =>
      this.child.on("close", (code) => {
        this.exitCode = code ?? -1;
        this.waiters.splice(0).forEach((w) => w());
        resolve(this.exitCode);
      }),
    );
  }

  /** Waits for a line matching `re` at index >= `from`; returns its index. */
  async waitFor(re: RegExp, opts: { from?: number; timeoutMs?: number } = {}): Promise<number> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      const i = this.lines.findIndex((l, idx) => idx >= (opts.from ?? 0) && re.test(l));
      if (i >= 0) return i;
      const left = deadline - Date.now();
      if (this.exitCode !== undefined) throw new Error(`dev exited (${this.exitCode}) before a line matched ${re}; output:\n${this.lines.join("\n")}`);
      if (left <= 0) throw new Error(`no line matching ${re} within the time; output:\n${this.lines.join("\n")}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  count(re: RegExp, from = 0): number {
    return this.lines.slice(from).filter((l) => re.test(l)).length;
  }

  interrupt(): void {
    this.child.kill("SIGINT");
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}
