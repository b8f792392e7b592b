import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { StackError, StackErrors } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { findStackRoot } from "./find-stack.js";
import { loadProject } from "./load-project.js";
import { parseStack } from "./parse-stack.js";
import { validateStack } from "./validate-stack.js";

const presets = loadPresets();

function errorsOf(fn: () => unknown): StackError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StackErrors) return err.errors;
    if (err instanceof StackError) return [err];
    throw err;
  }
  return [];
}
const parseErrors = (text: string) => errorsOf(() => parseStack(text, "stack.yaml"));
const validation = (text: string) => {
  const parsed = parseStack(text, "stack.yaml");
  return errorsOf(() => validateStack(parsed.config, presets, parsed));
};
const brief = (errors: StackError[]) => errors.map((e) => [e.code, e.location?.line, e.location?.col]);

describe("parsing stack.yaml", () => {
  it("fills what the file leaves out, keeping what it sets", () => {
    const { config } = parseStack("version: 1\nname: shop\nhealth: { interval: 1s }\nignore: ['*.tmp']\nimages: { 'a:1': 'b:1' }\n");
    expect(config).toEqual({
      version: 1, name: "shop", presets: [], services: {}, images: { "a:1": "b:1" },
      health: { interval: "1s", timeout: "3s", retries: 20, start_period: "30s" }, ignore: ["*.tmp"],
    });
  });

  it("keeps the text, the file name and the document for later edits", () => {
    const text = "# mine\nversion: 1\nname: shop\n";
    const parsed = parseStack(text, "sub/stack.yaml");
    expect(parsed.text).toBe(text);
    expect(parsed.file).toBe("sub/stack.yaml");
    expect(parsed.doc.toString()).toBe(text);
    expect(parsed.lineCounter.linePos(text.indexOf("name"))).toEqual({ line: 3, col: 1 });
  });

  it("a YAML syntax error is one line with file:line:col and a hint, exit 2", () => {
    const [e, ...rest] = parseErrors("version: 1\nname: shop\nservices:\n  api: { port: 1\n");
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ code: "E_STACK_YAML", exitCode: 2, location: { file: "stack.yaml", line: 5, col: 1 } });
    expect(e!.message).toMatch(/^YAML syntax error: [^\n]+$/);
    expect(e!.hint).toMatch(/indentation/);
  });

  it("a key written twice is an error, not a silent override", () => {
    expect(brief(parseErrors("version: 1\nname: shop\nname: other\n"))).toEqual([["E_STACK_YAML", 3, 1]]);
  });

  it("an empty file asks for version and name", () => {
    expect(parseErrors("").map((e) => e.message).sort()).toEqual(['missing required key "name"', 'missing required key "version"']);
    expect(parseErrors("# only a comment\n").map((e) => e.code)).toEqual(["E_STACK_SCHEMA", "E_STACK_SCHEMA"]);
  });

  it("points at the value that is wrong, with the allowed values when there is a list", () => {
    const [version] = parseErrors("version: 2\nname: shop\n");
    expect(version).toMatchObject({ code: "E_STACK_SCHEMA", location: { line: 1, col: 10 } });
    expect(version!.message).toBe("version must be equal to constant: 1");
    const [port] = parseErrors("version: 1\nname: shop\nservices:\n  api:\n    image: nginx\n    port: '80'\n");
    expect(port).toMatchObject({ message: "services.api.port must be integer", location: { line: 6, col: 11 } });
    expect(port!.hint).toMatch(/schema/);
  });

  it("locates problems inside lists and under keys holding a slash", () => {
    const [preset] = parseErrors("version: 1\nname: shop\npresets:\n  - postgres\n  - Redis\n");
    expect(preset).toMatchObject({ message: 'presets.1: "Redis" is not a valid name', location: { line: 5, col: 5 } });
    expect(preset!.hint).toMatch(/lower-case letters/);
    const [image] = parseErrors("version: 1\nname: shop\nimages:\n  registry.example.com/python:3: ''\n");
    expect(image).toMatchObject({ message: expect.stringMatching(/^images\.registry\.example\.com\/python:3[ :]/), location: { line: 4, col: 34 } });
    const [tilde] = parseErrors("version: 1\nname: shop\nimages:\n  a~b: ''\n");
    expect(tilde).toMatchObject({ message: expect.stringMatching(/^images\.a~b[ :]/), location: { line: 4 } });
  });

  it("an unknown key is reported at the key, with a spelling hint", () => {
    const [e] = parseErrors("version: 1\nname: shop\nservice:\n  api: {}\n");
    expect(e).toMatchObject({ message: 'unknown key "service" in (top level)', location: { line: 3, col: 1 } });
    expect(e!.hint).toMatch(/^did you mean "services"\? allowed keys here: .*presets, services/);
  });

  it("did you mean: a misspelt key, preset or template is named with what it is close to", () => {
    const [rout] = parseErrors("version: 1\nname: shop\nservices:\n  api:\n    image: x\n    rout: /a\n");
    expect(rout!.hint).toMatch(/^did you mean "route"\? allowed keys here: .*\bport\b/);
    const errors = validation(stack("[postgress]", "  a: { template: fastpi, path: services/a }\n"));
    expect(errors.map((e) => [e.code, e.hint?.split("?")[0]])).toEqual([
      ["E_UNKNOWN_PRESET", 'did you mean "postgres"'],
      ["E_UNKNOWN_TEMPLATE", 'did you mean "fastapi"'],
    ]);
    // Nothing close: no guess.
    expect(validation(stack("[mongo]", "  a: { image: x }\n"))[0]!.hint).toMatch(/^known presets: /);
  });

  it("two unknown keys in one place are two errors", () => {
    const errors = parseErrors("version: 1\nname: shop\nservices:\n  api:\n    image: x\n    prot: 1\n    rout: /a\n");
    expect(errors.map((e) => [e.message, e.location?.line])).toEqual([['unknown key "prot" in services.api', 6], ['unknown key "rout" in services.api', 7]]);
  });

  it("a bad service name is reported once, at the name", () => {
    const errors = parseErrors("version: 1\nname: shop\nservices:\n  My_Api: { image: nginx }\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'services: "My_Api" is not a valid name', location: { line: 4, col: 3 } });
    expect(errors[0]!.hint).toMatch(/\^\[a-z\]/);
  });

  it("a duration that is not one says so, quoting it", () => {
    const [e] = parseErrors("version: 1\nname: shop\nhealth: { interval: soon }\n");
    expect(e!.message).toBe('health.interval: "soon" is not a duration');
  });
});

const stack = (presetsLine: string, services: string) => `version: 1\nname: shop\npresets: ${presetsLine}\nservices:\n${services}`;

describe("cross-checks", () => {
  it("every problem at once, each at its place", () => {
    const errors = validation(stack("[mongo, traefik, nginx]", "  a: { template: rails }\n  b: { image: x, route: /b }\n  c: { template: python-http, depends_on: [ghost, c] }\n"));
    expect(brief(errors)).toEqual([
      ["E_UNKNOWN_PRESET", 3, 11],
      ["E_PRESET_CONFLICT", 3, 27],
      ["E_UNKNOWN_TEMPLATE", 5, 18],
      ["E_ROUTE_NO_PORT", 6, 25],
      ["E_UNKNOWN_DEPENDENCY", 7, 44],
      ["E_SELF_DEPENDENCY", 7, 51],
    ]);
    expect(errors[0]!.hint).toMatch(/^known presets: .*postgres/);
    expect(errors[0]!.hint).not.toMatch(/python-http/);
    expect(errors[1]!.message).toBe('presets "traefik" and "nginx" cannot be used together');
    expect(errors[4]!.hint).toBe("services: a, b, c; presets: mongo, traefik, nginx");
  });

  it("a service template listed as a preset says where it belongs", () => {
    const [e] = validation(stack("[worker, redis]", "  {}"));
    expect(e).toMatchObject({ code: "E_PRESET_KIND", location: { line: 3, col: 11 } });
    expect(e!.hint).toBe("add it under services: with template: worker (or run: dev add service worker --template worker)");
  });

  it("a service needs a template or an image, and a template's required preset", () => {
    const errors = validation(stack("[]", "  a: { port: 80 }\n  w: { template: worker }\n"));
    expect(brief(errors)).toEqual([["E_NO_TEMPLATE", 5, 3], ["E_PRESET_REQUIRED", 6, 18]]);
    expect(errors[0]!.hint).toMatch(/^templates: .*fastapi, .*python-http, worker; or build: FOLDER/);
    expect(errors[1]!.message).toBe('template "worker" of service "w" needs the redis preset');
  });

  it("paths and watch paths stay inside the project", () => {
    expect(brief(validation(stack("[]", "  a: { template: python-http, path: ../a }\n")))).toEqual([["E_PATH_OUTSIDE", 5, 37]]);
    expect(brief(validation(stack("[]", "  a: { template: python-http, watch: [lib, ../other] }\n")))).toEqual([["E_PATH_OUTSIDE", 5, 38]]);
    expect(brief(validation(stack("[]", "  a: { template: python-http, watch: [/etc] }\n")))).toEqual([["E_PATH_OUTSIDE", 5, 38]]);
    expect(validation(stack("[]", "  a: { template: python-http, path: services/..a, watch: [lib/x] }\n"))).toEqual([]);
  });

  it("a route needs a proxy and a port; the template's default port counts", () => {
    expect(validation(stack("[traefik]", "  a: { template: python-http, route: /a }\n"))).toEqual([]);
    expect(brief(validation(stack("[postgres]", "  a: { template: python-http, route: /a }\n")))).toEqual([["E_ROUTE_NO_PROXY", 5, 38]]);
    expect(brief(validation(stack("[nginx]", "  a: { image: x, route: /a }\n")))).toEqual([["E_ROUTE_NO_PORT", 5, 25]]);
    expect(validation(stack("[nginx]", "  a: { image: x, port: 80, route: /a }\n"))).toEqual([]);
  });

  it("the same route twice names both services", () => {
    const [e] = validation(stack("[nginx]", "  a: { template: python-http, route: /x }\n  b: { template: python-http, route: /x }\n"));
    expect(e).toMatchObject({ code: "E_ROUTE_DUPLICATE", message: 'route /x is used by both "a" and "b"', location: { line: 6 } });
  });

  it("dependencies may name services, presets and the services presets define", () => {
    expect(validation(stack("[postgres, nginx]", "  a: { template: python-http, depends_on: [b, postgres, nginx] }\n  b: { image: x }\n"))).toEqual([]);
    const [e] = validation(stack("[]", "  a: { image: x, depends_on: [ghost] }\n"));
    expect(e!.hint).toBe("services: a; presets: none");
  });

  it("a service may not take a preset's service name", () => {
    expect(brief(validation(stack("[redis]", "  redis: { image: redis }\n")))).toEqual([["E_NAME_TAKEN", 5, 3]]);
  });

  it("without a source (a stack built in memory) problems point at stack.yaml", () => {
    const { config } = parseStack(stack("[ghost]", "  {}"));
    expect(errorsOf(() => validateStack(config, presets))).toMatchObject([{ code: "E_UNKNOWN_PRESET", location: { file: "stack.yaml" } }]);
  });
});

describe("finding and loading the project", () => {
  it("finds stack.yaml in the folder or any folder above it", () => {
    const root = mkdtempSync(join(tmpdir(), "find-"));
    writeFileSync(join(root, "stack.yaml"), "version: 1\nname: shop\nservices:\n  api: { template: python-http }\n");
    mkdirSync(join(root, "services", "api"), { recursive: true });
    expect(findStackRoot(root)).toBe(root);
    expect(findStackRoot(join(root, "services", "api"))).toBe(root);
    const project = loadProject(join(root, "services"));
    expect(project.root).toBe(root);
    expect(project.stackFile).toBe(join(root, "stack.yaml"));
    expect(project.services.map((s) => s.name)).toEqual(["api"]);
    expect(project.parsed.config.name).toBe("shop");
  });

  it("a folder left with only a write journal (a command killed before stack.yaml landed) is still the project", () => {
    const root = mkdtempSync(join(tmpdir(), "journal-"));
    mkdirSync(join(root, ".create-stack"));
    writeFileSync(join(root, ".create-stack", "journal"), "");
    mkdirSync(join(root, "services", "api"), { recursive: true });
    expect(findStackRoot(join(root, "services", "api"))).toBe(root);
    // A state folder without a journal is no project.
    const other = mkdtempSync(join(tmpdir(), "state-"));
    mkdirSync(join(other, ".create-stack"));
    expect(errorsOf(() => findStackRoot(other)).map((e) => e.code)).toEqual(["E_NO_STACK"]);
  });

  it("no stack.yaml anywhere up to / is an error saying what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "nostack-"));
    const [e] = errorsOf(() => findStackRoot(dir));
    expect(e).toMatchObject({ code: "E_NO_STACK", message: `no stack.yaml in ${dir} or any folder above it` });
    expect(e!.hint).toMatch(/create one with: create-stack my-app/);
  });

  it("an invalid stack.yaml stops loading, with its location", () => {
    const root = mkdtempSync(join(tmpdir(), "bad-"));
    writeFileSync(join(root, "stack.yaml"), "version: 1\nname: shop\npresets: [mongo]\n");
    const [e] = errorsOf(() => loadProject(root));
    expect(e).toMatchObject({ code: "E_UNKNOWN_PRESET", location: { line: 3 } });
    // Named as from where the command ran, so the path can be opened as it is shown.
    expect(e!.location!.file).toBe(relative(process.cwd(), join(root, "stack.yaml")));
  });
});
