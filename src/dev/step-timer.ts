/**
 * Where a command's time went, step by step: each mark closes the step since the previous one.
 * The first step starts when the process did (Node's own start and module loading included).
 */
export class StepTimer {
  private last = 0;
  private readonly steps: { name: string; ms: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  mark(name: string): void {
    const t = this.now();
    this.steps.push({ name, ms: t - this.last });
    this.last = t;
  }

  /** "node start 180 ms, sync 40 ms, ... (total 2.1 s)" */
  summary(): string {
    const total = this.steps.reduce((sum, s) => sum + s.ms, 0);
    return `${this.steps.map((s) => `${s.name} ${s.ms.toFixed(0)} ms`).join(", ")} (total ${(total / 1000).toFixed(1)} s)`;
  }
}
