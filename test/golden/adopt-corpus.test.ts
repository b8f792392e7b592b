import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adoptedStackData, renderAdoptedStack, yamlAdoptedStackText } from "../../src/adopt/adopted-stack-text.js";
import { readAdoption } from "../../src/adopt/read-adoption.js";
import { formatUnmapped } from "../../src/commands/adopt.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { parseRenderedStack, parseStack } from "../../src/stack/parse-stack.js";
import { validateStack } from "../../src/stack/validate-stack.js";

const CORPUS = fileURLToPath(new URL("../corpus", import.meta.url));
const GOLDEN = fileURLToPath(new URL("./adopt", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

/** Each project as its README says to set it up: pycroft copies example.env to .env. */
const PROJECTS: { name: string; setup?: (dir: string) => void }[] = [
  { name: "traefik-fastapi" },
  { name: "nginx-purldb" },
  { name: "celery-saleor" },
  { name: "profiles-ragflow" },
  { name: "extends-pycroft", setup: (dir) => cpSync(join(dir, "example.env"), join(dir, ".env")) },
  { name: "large-train-ticket" },
];

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (update || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("dev adopt on the corpus: the stack.yaml and the unmapped list of each real project", () => {
  for (const { name, setup } of PROJECTS) {
    it(name, () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), "adopt-corpus-")));
      const project = join(dir, name);
      cpSync(join(CORPUS, name), project, { recursive: true });
      setup?.(project);
      // The process environment must not leak in (COMPOSE_FILE, DOMAIN...): only the project's .env.
      const adoption = readAdoption(project, undefined, {});
      const text = renderAdoptedStack(adoption);
      const parsed = parseStack(text);
      validateStack(parsed.config, loadPresets(), parsed);
      // dev adopt checks the data it rendered instead of reading its text back: the same stack.
      expect(parseRenderedStack(text, adoptedStackData(adoption)).config).toEqual(parsed.config);
      golden(`${name}.stack.yaml`, text);
      // Written directly or by the yaml package: the same bytes.
      expect(text).toBe(yamlAdoptedStackText(adoptedStackData(adoption)));
      golden(`${name}.unmapped.txt`, formatUnmapped(adoption, project).join("\n") + "\n");
    });
  }

  it("the large project adopts every one of its 68 services", () => {
    const adoption = readAdoption(join(CORPUS, "large-train-ticket"), undefined, {});
    expect(Object.keys(adoption.services)).toHaveLength(68);
  });
});
