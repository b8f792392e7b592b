import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { MAX_ALIASES, parseStack } from "./parse-stack.js";

/** What the author of a stack.yaml sees for it: each problem as message, file:line:col and hint. */
function problems(text: string): { code: string; message: string; at: string; hint: string | undefined }[] {
  try {
    parseStack(text, "stack.yaml");
  } catch (err) {
    const errors = err instanceof StackErrors ? err.errors : err instanceof StackError ? [err] : undefined;
    if (!errors) throw err;
    return errors.map((e) => ({ code: e.code, message: e.message, at: `${e.location?.file}:${e.location?.line}:${e.location?.col}`, hint: e.hint }));
  }
  throw new Error(`accepted:\n${text}`);
}

const top = "version: 1\nname: shop\n";
/** A stack.yaml whose service api has these lines (indented under it). */
const api = (...lines: string[]) => `${top}services:\n  api:\n${lines.map((l) => `    ${l}\n`).join("")}`;

const DURATION = "a number with a unit: 500ms, 3s, 1m30s, 1h";
const NAME = "names use lower-case letters, digits and dashes, and start with a letter (^[a-z][a-z0-9-]*$)";
const IMAGE = "an image reference without spaces, newlines or $, e.g. postgres:16";
const SCHEMA = "see the schema referenced at the top of stack.yaml for the allowed keys and values";

describe("a bad value in stack.yaml: what it should be, at its line and column", () => {
  const cases: [string, string, string, string, string][] = [
    // [what, stack.yaml, message, file:line:col, hint]
    ["a health interval", `${top}health: { interval: soon }\n`, 'health.interval: "soon" is not a duration', "stack.yaml:3:21", DURATION],
    ["a health timeout", `${top}health: { timeout: 3 secs }\n`, 'health.timeout: "3 secs" is not a duration', "stack.yaml:3:20", DURATION],
    ["a health start period", `${top}health:\n  start_period: half a minute\n`, 'health.start_period: "half a minute" is not a duration', "stack.yaml:4:17", DURATION],
    ["a stop grace period", api("image: nginx", "stop_grace_period: forever"), 'services.api.stop_grace_period: "forever" is not a duration', "stack.yaml:6:24", DURATION],
    ["a source path", api("template: python-http", "path: /srv/api"), 'services.api.path: "/srv/api" is not a valid path', "stack.yaml:6:11",
      "a folder inside the project, relative to stack.yaml, e.g. services/api"],
    ["a build folder", api("build: /home/me/web"), 'services.api.build: "/home/me/web" is not a valid path', "stack.yaml:5:12",
      "the folder holding your Dockerfile, inside the project and relative to stack.yaml, e.g. services/web"],
    ["a Dockerfile", api("build: web", "dockerfile: /Dockerfile"), 'services.api.dockerfile: "/Dockerfile" is not a valid path', "stack.yaml:6:17",
      "a Dockerfile inside the project, relative to stack.yaml, e.g. services/web/Dockerfile.dev"],
    ["a healthcheck path", api("image: nginx", "healthcheck: { http: health }"), 'services.api.healthcheck.http: "health" is not an HTTP path', "stack.yaml:6:26",
      "the path the service answers with 2xx or 3xx, starting with /, e.g. /health (letters, digits, . _ ~ / -)"],
    ["an empty healthcheck command", api("image: nginx", "healthcheck: { command: '' }"), 'services.api.healthcheck.command: "" is not a command', "stack.yaml:6:29",
      "a shell command run in the container that exits 0 when healthy, e.g. curl -fs localhost:8000/health"],
    ["an empty hook", api("template: python-http", "after_start: ['']"), 'services.api.after_start.0: "" is not a command', "stack.yaml:6:19",
      "a shell command run in the service's container, e.g. python -m app.migrate"],
    ["an eleventh hook", api("template: python-http", "after_start: [a, b, c, d, e, f, g, h, i, j, '']"), 'services.api.after_start.10: "" is not a command', "stack.yaml:6:49",
      "a shell command run in the service's container, e.g. python -m app.migrate"],
    ["an image with a space", api("image: nginx latest"), 'services.api.image: "nginx latest" is not a valid image', "stack.yaml:5:12", IMAGE],
    ["an empty image", api("image: ''"), 'services.api.image: "" is not a valid image', "stack.yaml:5:12", IMAGE],
    ["an image override", `${top}images:\n  postgres:16: '$PG_IMAGE'\n`, 'images.postgres:16: "$PG_IMAGE" is not a valid image', "stack.yaml:4:16", IMAGE],
    ["an override of a registry by address", `${top}images:\n  127.0.0.1:5000/pg:16: ''\n`, 'images.127.0.0.1:5000/pg:16: "" is not a valid image', "stack.yaml:4:25", IMAGE],
    ["an overridden image's name", `${top}images:\n  postgres 16: pg:16\n`, 'images: "postgres 16" is not a valid image', "stack.yaml:4:3", IMAGE],
    ["a template", api("template: Python"), 'services.api.template: "Python" is not a valid name', "stack.yaml:5:15", NAME],
    ["the project name", `version: 1\nname: ''\n`, 'name: "" is not a valid name', "stack.yaml:2:7", NAME],
    ["a preset", `${top}presets: [redis, Postgres]\n`, 'presets.1: "Postgres" is not a valid name', "stack.yaml:3:18", NAME],
    ["a variable name", api("image: nginx", "env: { 1ST: a }"), 'services.api.env: "1ST" is not a valid variable name', "stack.yaml:6:12",
      "variable names use letters, digits and _, and do not start with a digit"],
    ["a preset listed twice", `${top}presets: [redis, postgres, redis]\n`, 'presets lists "redis" twice', "stack.yaml:3:28", "remove the repeated item"],
    ["a dependency listed twice", api("image: nginx", "depends_on:", "  - redis", "  - db", "  - redis"), 'services.api.depends_on lists "redis" twice', "stack.yaml:9:9",
      "remove the repeated item"],
    ["an empty healthcheck", api("image: nginx", "healthcheck: {}"), "services.api.healthcheck must have exactly one of command and http", "stack.yaml:6:18",
      "command: a shell command that exits 0 when healthy, or http: a path answered with 2xx or 3xx (e.g. /health)"],
    ["a healthcheck of both kinds", api("image: nginx", "healthcheck: { command: 'true', http: /health }"), "services.api.healthcheck must have exactly one of command and http",
      "stack.yaml:6:18", "command: a shell command that exits 0 when healthy, or http: a path answered with 2xx or 3xx (e.g. /health)"],
    // Not the one-of-two message: a command written where the mapping goes is a mapping missing.
    ["a healthcheck written as a command", api("image: nginx", "healthcheck: curl -f localhost"), "services.api.healthcheck must be object", "stack.yaml:6:18", SCHEMA],
    // Not the empty-list message either: a string where the list goes.
    ["a command written as one string", api("template: python-http", "command: python app.py"), "services.api.command must be array", "stack.yaml:6:14", SCHEMA],
    ["a hook written as one string", api("template: python-http", "after_start: python -m app.migrate"), "services.api.after_start must be array", "stack.yaml:6:18", SCHEMA],
    ["a reload mode", api("image: nginx", "reload: sometimes"), 'services.api.reload must be equal to one of the allowed values: [true,false,"process","container"]', "stack.yaml:6:13", SCHEMA],
    ["a port", api("image: nginx", "port: 0"), "services.api.port must be >= 1", "stack.yaml:6:11", SCHEMA],
  ];
  it.each(cases)("%s", (_what, text, message, at, hint) => {
    expect(problems(text)).toEqual([{ code: "E_STACK_SCHEMA", message, at, hint }]);
  });
});

describe("a stack.yaml that is not YAML as it is meant", () => {
  it("a syntax error quotes the parser's first line, at its place", () => {
    expect(problems(api("image: nginx", "port: [8000"))).toEqual([{
      code: "E_STACK_YAML",
      message: "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
      at: "stack.yaml:7:1",
      hint: "fix the YAML syntax (indentation, quotes, a missing colon)",
    }]);
  });

  it("a key written twice is reported at the repeat, in any mapping, inside lists too", () => {
    const repeated = (at: string) => ({ code: "E_STACK_YAML", message: "YAML syntax error: Map keys must be unique", at, hint: "remove or rename the repeated key" });
    expect(problems(api("image: nginx", "env:", "  LEVEL: info", "  LEVEL: debug"))).toEqual([repeated("stack.yaml:8:7")]);
    expect(problems(`${top}ignore: [{ a: 1, a: 2 }]\n`)).toEqual([repeated("stack.yaml:3:18")]);
    expect(problems(`${top}ignore: [[{ a: 1, a: 2 }]]\n`)).toEqual([repeated("stack.yaml:3:19")]);
  });

  it(`anchors may be repeated a little (under ${MAX_ALIASES} times), not as a "billion laughs"`, () => {
    const aliases = (n: number) => `${top}ignore: [&tmp '*.tmp', ${Array(n).fill("*tmp").join(", ")}]\n`;
    expect(parseStack(aliases(MAX_ALIASES - 1)).config.ignore).toHaveLength(MAX_ALIASES);
    const refused = {
      code: "E_STACK_YAML",
      message: `too many YAML aliases (more than ${MAX_ALIASES} expansions): Excessive alias count indicates a resource exhaustion attack`,
      // At the first alias, where the repeating starts.
      at: "stack.yaml:3:24",
      hint: "write the values out instead of repeating anchors (*name)",
    };
    expect(problems(aliases(MAX_ALIASES))).toEqual([refused]);
    const laughs = `${top}x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
    expect(problems(laughs)).toEqual([{ ...refused, at: "stack.yaml:4:8" }]);
  });
});
