import { describe, expect, it } from "vitest";
import { StackError } from "../errors/stack-error.js";
import { loadPresets } from "../presets/load-presets.js";
import { IMAGE_NAME_MAX, imageReferenceProblem } from "./image-reference.js";
import { parseStack } from "./parse-stack.js";
import { validateStack } from "./validate-stack.js";

function stackError(text: string): StackError | undefined {
  const parsed = parseStack(text);
  try {
    validateStack(parsed.config, loadPresets(), parsed);
    return undefined;
  } catch (err) {
    return err as StackError;
  }
}

describe("image references follow the distribution reference grammar", () => {
  it("accepts what the engine accepts: registries with ports, paths, tags, digests", () => {
    for (const ok of [
      "redis", "redis:7", "postgres:16", "library/redis:7.2-alpine", "registry.example.com/team/api:1.2", "localhost:5000/x/y:latest",
      "Registry.Example.com:443/team/api", "[::1]:5000/x", `postgres@sha256:${"a".repeat(64)}`, `redis:7@sha256:${"0".repeat(64)}`,
      "a__b", "a--b", "create-stack-test/nginx:latest", `x:${"t".repeat(128)}`, "r".repeat(IMAGE_NAME_MAX),
    ]) expect(imageReferenceProblem(ok), ok).toBeUndefined();
  });

  it("refuses upper case, characters outside the grammar, and overlong names and tags", () => {
    const cases: [string, RegExp][] = [
      ["Redis:7", /upper-case letters in its repository name/],
      ["team/Api:1", /upper-case letters/],
      ["rédis:7", /a character outside/],
      ['redis"x', /a character outside/],
      ["redis x", /a character outside/],
      [`${"a".repeat(3000)}:7`, /name of 3000 characters; the limit is 255/],
      ["r".repeat(IMAGE_NAME_MAX + 1), /name of 256 characters/],
      [`x:${"t".repeat(129)}`, /is not an image reference/],
      ["redis:", /is not an image reference/],
      [":7", /is not an image reference/],
      ["redis@sha256:abc", /is not an image reference/],
      ["a...b", /is not an image reference/],
      ["/redis", /is not an image reference/],
    ];
    for (const [bad, message] of cases) expect(imageReferenceProblem(bad), bad).toMatch(message);
  });

  it("a long reference is quoted short in the message", () => {
    const problem = imageReferenceProblem(`${"a".repeat(3000)}:7`)!;
    expect(problem.length).toBeLessThan(200);
  });

  it("stack.yaml: images: keys and values and a service's image are checked, each at its line and column", () => {
    const err = stackError([
      "version: 1", "name: shop", "presets: [nginx]", "images:", '  "Nginx:1.27": "nginx:1.27"', '  "redis:7": "rédis:7"', "services:",
      "  api: { image: 'redis\"x', port: 80 }", `  big: { image: ${"a".repeat(3000)} }`, "",
    ].join("\n"));
    expect(err).toBeDefined();
    const all = (err as unknown as { errors?: StackError[] }).errors ?? [err!];
    expect(all.map((e) => [e.code, e.location?.line, e.location?.col, e.exitCode])).toEqual([
      ["E_IMAGE_INVALID", 5, 3, 2],
      ["E_IMAGE_INVALID", 6, 14, 2],
      ["E_IMAGE_INVALID", 8, 17, 2],
      ["E_IMAGE_INVALID", 9, 17, 2],
    ]);
  });
});
