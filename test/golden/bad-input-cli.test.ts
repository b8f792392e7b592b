import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const CREATE = fileURLToPath(new URL("../../dist/bin/create-stack.js", import.meta.url));
const DEV = fileURLToPath(new URL("../../dist/bin/dev.js", import.meta.url));
const run = (cli: string, args: string[], cwd?: string) =>
  spawnSync("node", [cli, ...args], { cwd, encoding: "utf8", timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } });
const tmp = () => mkdtempSync(join(tmpdir(), "create-stack-bad-"));

/** Every file under dir with a hash of its content: "nothing written" means this is unchanged. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[full.slice(dir.length)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** Exit 2, one `error:` line that names the flag or file:line:col, at most a hint under it. */
function expectRefused(res: ReturnType<typeof run>, names: RegExp, what: string): void {
  expect(res.error, what).toBeUndefined();
  expect(res.status, `${what}\n${res.stderr}`).toBe(2);
  const lines = res.stderr.trimEnd().split("\n");
  expect(lines[0], what).toMatch(/^error: /);
  expect(lines[0], what).toMatch(names);
  expect(lines.slice(1).every((l) => l.startsWith("  hint: ")), `${what}: one error line plus a hint\n${res.stderr}`).toBe(true);
  expect(res.stderr, what).not.toMatch(/report it if it looks like a bug|NaN|TypeError/);
}

describe("bad input to create-stack: exit 2, one line naming the flag, nothing written", { timeout: 60_000 }, () => {
  const cases: [string[], RegExp][] = [
    [["--health-interval", "fast"], /--health-interval: "fast" is not a duration/],
    [["--health-interval", "3"], /--health-interval: "3" is not a duration/],
    [["--image", ""], /--image "" is not FROM=TO/],
    [["--image", "postgres:16=a\nb"], /--image .* is not FROM=TO/],
    [["--preset", ",,"], /--preset ",," has an empty item/],
    [["--preset", "postgres,,redis"], /--preset .* has an empty item/],
    [["--name", "a", "--name", "b"], /--name was given 2 times/],
    [["--name", "yes"], /--name: project name "yes" reads as a boolean in YAML 1\.1/],
    [["--name", "null"], /--name: project name "null" reads as a null/],
  ];
  for (const [args, message] of cases) {
    it(JSON.stringify(args), () => {
      const parent = tmp();
      const res = run(CREATE, [join(parent, "app"), "--yes", ...args]);
      expectRefused(res, message, args.join(" "));
      expect(readdirSync(parent)).toEqual([]);
    });
  }

  it("a folder name that is not a project name as it is: refused, with the name to pass", () => {
    for (const [folder, hint] of [["Nu_X", /--name nu-x/], ["ünï-📦", /--name my-app/], ["My App", /--name my-app/]] as const) {
      const parent = tmp();
      const res = run(CREATE, [join(parent, folder), "--yes"]);
      expectRefused(res, new RegExp(`folder name "${folder}" is not a valid project name`), folder);
      expect(res.stderr).toMatch(hint);
      expect(readdirSync(parent)).toEqual([]);
    }
    // Two folders that used to become one compose project (nu-x) no longer can.
    const parent = tmp();
    expect(run(CREATE, [join(parent, "nu-x"), "--yes"]).status).toBe(0);
    expect(run(CREATE, [join(parent, "Nu_X"), "--yes"]).status).toBe(2);
  });

  it("a target on a virtual filesystem fails at once instead of looping in mkdir", () => {
    const t0 = Date.now();
    const res = run(CREATE, ["/proc/create-stack-test/x", "--yes"]);
    expectRefused(res, /\/proc\/create-stack-test\/x cannot hold a project: \/proc is on a virtual filesystem/, "/proc");
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it("a full disk during create: exit 1, the folder it created is removed, so nothing changed is true", () => {
    const mnt = tmp();
    // A real full disk: a 48 KiB tmpfs, which takes root (CAP_SYS_ADMIN) to mount.
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=48k", "tmpfs", mnt], { encoding: "utf8" });
    if (mounted.status !== 0) throw new Error(`cannot mount a small tmpfs to fill (${(mounted.stderr ?? String(mounted.error)).trim()}): run the tests as root`);
    try {
      const res = run(CREATE, [join(mnt, "deep", "app"), "--yes"]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/could not write the project: .*ENOSPC/);
      expect(res.stderr).toMatch(/nothing was changed/);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      spawnSync("umount", [mnt]);
    }
  });
});

describe("bad input to dev: exit 2, one line naming the flag or file:line:col, nothing written", { timeout: 60_000 }, () => {
  let template: string;
  beforeAll(() => {
    template = join(tmp(), "shop");
    const res = run(CREATE, [template, "--yes", "--preset", "python-http,postgres", "--proxy", "nginx"]);
    expect(res.status, res.stderr).toBe(0);
  }, 60_000);
  const project = () => {
    const dir = join(tmp(), "shop");
    cpSync(template, dir, { recursive: true });
    return dir;
  };

  const flagCases: [string[], RegExp][] = [
    [["logs", "--tail", "abc"], /--tail "abc" is not a whole number/],
    [["add", "service", "x", "--port", "abc"], /--port "abc" is not a whole number/],
    [["add", "service", "x", "--port", "70000"], /--port 70000: must be <= 65535/],
    [["add", "service", "x", "--route", "/x", "--route", "/y"], /--route was given 2 times/],
    [["add", "service", "x", "--image", ""], /--image is empty/],
    [["add", "service", "x", "--depends-on", ","], /--depends-on "," has an empty item/],
    [["add", "service", "x", "--depends-on", "ghost"], /--depends-on: service "x" depends on "ghost"/],
    [["add", "service", "x", "--route", "/../etc"], /--route: route "\/\.\.\/etc" has a "\." or "\.\." segment/],
    [["add", "service", "x", "--route", "/api"], /--route: route \/api is used by both "api" and "x"/],
    [["add", "service", "x", "--path", "/etc"], /--path: "\/etc" is not a valid path/],
    [["add", "service", "x", "--path", "."], /--path: service "x": path "\." is the project root/],
    [["add", "service", "x", "--template", "fastapi", "--image", "nginx"], /--image: service "x" sets both template and image/],
    [["add", "service", "x", "--image", "nginx", "--route", "/x"], /--route: service "x" has a route but no port/],
    [["add", "service", "yes"], /service name "yes" reads as a boolean in YAML 1\.1/],
    [["add", "service", "postgres"], /service name "postgres" is taken/],
  ];
  for (const [args, message] of flagCases) {
    it(args.join(" "), () => {
      const dir = project();
      const before = snapshot(dir);
      expectRefused(run(DEV, args, dir), message, args.join(" "));
      expect(snapshot(dir)).toEqual(before);
    });
  }

  const stackCases: [string, (text: string) => string, RegExp, RegExp?][] = [
    [
      "an alias bomb",
      (t) =>
        t +
        'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' +
        Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(",")}]\n`).join(""),
      /stack\.yaml:\d+:\d+: too many YAML aliases/,
    ],
    ["an image override with a newline", (t) => t + 'images:\n  "postgres:16": "evil\\nimage: x"\n', /stack\.yaml:\d+:\d+: images\.postgres:16: .* is not a valid image/],
    ["a path outside the project", (t) => t.replace("path: services/api", "path: /etc"), /stack\.yaml:\d+:\d+: services\.api\.path: "\/etc" is not a valid path/],
    ["path: .", (t) => t.replace("path: services/api", "path: ."), /stack\.yaml:\d+:\d+: service "api": path "\." is the project root/],
    ["a service named on", (t) => t.replace(/^  api:/m, "  on:").replace("route: /api", "route: /on"), /stack\.yaml:\d+:\d+: service name "on" reads as a boolean/],
    ["a duplicate key", (t) => t.replace("    template: python-http", "    template: python-http\n    template: fastapi"), /stack\.yaml:\d+:\d+: YAML syntax error: Map keys must be unique/],
    // Pattern checks under services.*: the value's own line:col, what it should be, an example.
    [
      "a healthcheck http that is no path",
      (t) => t.replace("    template: python-http", "    template: python-http\n    healthcheck: {http: health}"),
      /stack\.yaml:19:25: services\.api\.healthcheck\.http: "health" is not an HTTP path/, /^  hint: .*starting with \/, e\.g\. \/health/m,
    ],
    [
      "an empty healthcheck command",
      (t) => t.replace("    template: python-http", "    template: python-http\n    healthcheck:\n      command: ''"),
      /stack\.yaml:20:16: services\.api\.healthcheck\.command: "" is not a command/, /^  hint: a shell command/m,
    ],
    ["an absolute build folder", (t) => t.replace("    template: python-http\n", "    build: /srv/app\n"), /stack\.yaml:18:12: services\.api\.build: "\/srv\/app" is not a valid path/, /^  hint: the folder holding your Dockerfile/m],
    ["an absolute dockerfile", (t) => t.replace("    template: python-http\n", "    build: services/api\n    dockerfile: /etc/Dockerfile\n"), /stack\.yaml:19:17: services\.api\.dockerfile: "\/etc\/Dockerfile" is not a valid path/, /^  hint: a Dockerfile inside the project/m],
    ["an empty after_start command", (t) => t.replace("    template: python-http", "    template: python-http\n    after_start: [migrate, '']"), /stack\.yaml:19:28: services\.api\.after_start\.1: "" is not a command/, /^  hint: a shell command run in the service's container/m],
    ["a template that is no name", (t) => t.replace("template: python-http", "template: Python_HTTP"), /stack\.yaml:18:15: services\.api\.template: "Python_HTTP" is not a valid name/, /^  hint: names use lower-case/m],
    ["a service key that is no name", (t) => t.replace(/^ {2}api:/m, "  API:"), /stack\.yaml:17:3: services: "API" is not a valid name/, /^  hint: names use lower-case/m],
    ["an env key that is no variable name", (t) => t.replace("    template: python-http", "    template: python-http\n    env: {bad-key: x}"), /stack\.yaml:19:11: services\.api\.env: "bad-key" is not a valid variable name/, /^  hint: variable names use letters/m],
    ["a service listed twice in depends_on", (t) => t.replace(/depends_on: \[postgres\]/, "depends_on: [postgres, postgres]"), /stack\.yaml:\d+:28: services\.api\.depends_on lists "postgres" twice/, /^  hint: remove the repeated item/m],
    ["a healthcheck with both kinds", (t) => t.replace("    template: python-http", "    template: python-http\n    healthcheck: {http: /health, command: 'true'}"), /stack\.yaml:19:18: services\.api\.healthcheck must have exactly one of command and http/, /^  hint: command: /m],
  ];
  for (const [what, edit, message, hint] of stackCases) {
    it(`dev sync refuses ${what}`, () => {
      const dir = project();
      const file = join(dir, "stack.yaml");
      writeFileSync(file, edit(readFileSync(file, "utf8")));
      const before = snapshot(dir);
      const res = run(DEV, ["sync"], dir);
      expectRefused(res, message, what);
      if (hint) expect(res.stderr, what).toMatch(hint);
      expect(snapshot(dir)).toEqual(before);
    });
  }

  it("the stack.yaml these edits start from is as expected (control)", () => {
    const text = readFileSync(join(template, "stack.yaml"), "utf8");
    expect(text).toContain("path: services/api");
    expect(text).toMatch(/^  api:/m);
    expect(text).toContain("    template: python-http");
    const dir = project();
    expect(run(DEV, ["sync"], dir).status).toBe(0);
  });
});

describe("the starter Dockerfile context", { timeout: 60_000 }, () => {
  it("keeps .env out of images: the starter .dockerignore lists .env and .env.*", () => {
    const dir = join(tmp(), "app");
    expect(run(CREATE, [dir, "--yes"]).status).toBe(0);
    const ignore = readFileSync(join(dir, "services/api/.dockerignore"), "utf8").split("\n");
    expect(ignore).toContain(".env");
    expect(ignore).toContain(".env.*");
  });
});
