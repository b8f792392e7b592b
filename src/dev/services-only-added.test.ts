import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../stack/load-project.js";
import { servicesOnlyAdded } from "./services-only-added.js";

const STACK = `version: 1
name: shop
presets: [postgres, nginx]
services:
  api:
    template: python-http
    port: 8000
    route: /api
    depends_on: [postgres]
`;

async function project(text: string) {
  const root = await mkdtemp(join(tmpdir(), "cs-only-added-"));
  await writeFile(join(root, "stack.yaml"), text);
  return loadProject(root);
}

const withService = (name: string) => `${STACK}  ${name}:\n    template: python-http\n    port: 8000\n    route: /${name}\n`;

describe("services only added", () => {
  it("names the services a stack.yaml adds when nothing else changed", async () => {
    const before = await project(STACK);
    expect(servicesOnlyAdded(before, await project(withService("a0")))).toEqual(["a0"]);
    expect(servicesOnlyAdded(before, await project(`${withService("a0")}  b0:\n    template: python-http\n    port: 8000\n    route: /b0\n`))?.sort()).toEqual(["a0", "b0"]);
  });

  it("is undefined when nothing was added, or anything else changed beside the additions", async () => {
    const before = await project(STACK);
    expect(servicesOnlyAdded(before, await project(STACK))).toBeUndefined();
    // An existing service changed along with the addition: compose has to apply it.
    expect(servicesOnlyAdded(before, await project(withService("a0").replace("depends_on: [postgres]", "depends_on: [postgres]\n    env: { GREETING: hi }")))).toBeUndefined();
    // A service removed, a preset added (a new volume, a new service): not additions only.
    expect(servicesOnlyAdded(await project(withService("a0")), await project(STACK))).toBeUndefined();
    expect(servicesOnlyAdded(before, await project(STACK.replace("[postgres, nginx]", "[postgres, redis, nginx]")))).toBeUndefined();
  });
});
