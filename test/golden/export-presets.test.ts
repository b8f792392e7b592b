import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildSwarmStack, renderSwarmStack } from "../../src/export/swarm-stack.js";
import { shellWord } from "../../src/export/secret-shell.js";
import { loadPresets } from "../../src/presets/load-presets.js";
import { exportChoices } from "./export-fixture.js";

// Every shipped preset, alone in a stack (with what it requires), goes through `dev export swarm`.
const SCHEMA = fileURLToPath(new URL("../reference/compose-spec.json", import.meta.url));
const validateCompose = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
const presets = loadPresets();

describe("dev export swarm: every preset", () => {
  for (const name of presets.names()) {
    const preset = presets.get(name)!;
    it(`${name} (${preset.kind}) exports; a secret built at start runs the image's own start command after it`, async () => {
      const proxy = preset.kind === "proxy" ? name : "nginx";
      const list = preset.kind === "proxy" ? [] : [name, ...preset.requires];
      const fx = await exportChoices({ name: "shop", presets: list, proxy });
      const stack = buildSwarmStack(fx.model, { endpointMode: "vip", configFiles: fx.configFiles });
      const text = renderSwarmStack(stack, []);
      const doc = parse(text);
      expect(validateCompose(doc), JSON.stringify(validateCompose.errors)).toBe(true);
      for (const key of fx.model.secretKeys) expect(text).not.toContain(fx.model.values.env[key]!);
      // The preset's own services whose start builds a secret end by exec'ing what the image runs.
      for (const svc of fx.model.services.filter((s) => s.preset === preset && !s.resolved && s.preset.image_command)) {
        const entry = doc.services[svc.name]?.entrypoint as string[] | undefined;
        if (!entry) continue;
        expect(entry.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        expect(entry[2]!.endsWith(`\nexec ${preset.image_command!.map((a) => shellWord([{ text: a }])).join(" ")}`), entry[2]).toBe(true);
      }
    });
  }

  it("rabbitmq's password reaches RABBITMQ_DEFAULT_PASS from its secret, then the image's entrypoint starts the server", async () => {
    const fx = await exportChoices({ name: "shop", presets: ["rabbitmq"], proxy: "nginx" });
    const doc = parse(renderSwarmStack(buildSwarmStack(fx.model, { endpointMode: "vip", configFiles: fx.configFiles }), []));
    const rabbit = doc.services.rabbitmq;
    expect(rabbit.secrets).toEqual([{ source: "rabbitmq_password", target: "rabbitmq_password" }]);
    expect(rabbit.entrypoint[2]).toContain("RABBITMQ_DEFAULT_PASS=");
    expect(rabbit.entrypoint[2]).toMatch(/\nexec "docker-entrypoint\.sh" "rabbitmq-server"$/);
    expect(rabbit.environment.RABBITMQ_DEFAULT_USER).toBe("app");
    // Its data lives under its node name, rabbit@HOSTNAME: a new task finds it with the same hostname.
    expect(rabbit.hostname).toBe("rabbitmq");
  });
});
