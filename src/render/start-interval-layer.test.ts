import { describe, expect, it } from "vitest";
import type { LayerName } from "../presets/preset.js";
import type { ComposeFile } from "./compose-layers.js";
import { buildStartIntervalLayer, START_INTERVAL } from "./start-interval-layer.js";

const hc = (extra: Record<string, unknown> = {}) => ({ test: ["CMD", "true"], interval: "3s", start_period: "30s", ...extra });
const layers = (base: ComposeFile["services"], dev: ComposeFile["services"] = {}) =>
  new Map<LayerName, ComposeFile>([
    ["base", { services: base }],
    ["dev", { services: dev }],
  ]);

describe("the start_interval layer", () => {
  it("one key per service with a healthcheck that runs during a start period", () => {
    const out = buildStartIntervalLayer(layers({ api: { image: "x", healthcheck: hc() }, cache: { image: "y" } }));
    expect(out).toEqual({ services: { api: { healthcheck: { start_interval: START_INTERVAL } } } });
  });

  it("leaves out what the key would not change: no test, NONE, disabled, no start period, an interval as short", () => {
    const out = buildStartIntervalLayer(
      layers({
        none: { healthcheck: hc({ test: ["NONE"] }) },
        noneString: { healthcheck: hc({ test: "NONE" }) },
        off: { healthcheck: hc({ disable: true }) },
        // As a YAML 1.1 reader may hand it over.
        offString: { healthcheck: hc({ disable: "true" }) },
        untested: { healthcheck: { interval: "3s", start_period: "30s" } },
        nostart: { healthcheck: hc({ start_period: "0s" }) },
        unset: { healthcheck: { test: ["CMD", "true"], interval: "3s" } },
        quick: { healthcheck: hc({ interval: "250ms" }) },
        quicker: { healthcheck: hc({ interval: "100ms" }) },
        slow: { healthcheck: hc({ interval: "300ms" }) },
        defaulted: { healthcheck: { test: "true", start_period: "5s" } },
      }),
    );
    expect(Object.keys(out.services).sort()).toEqual(["defaulted", "slow"]);
  });

  it("reads a healthcheck as the layers merge it", () => {
    const out = buildStartIntervalLayer(layers({ api: { healthcheck: { test: ["CMD", "true"], interval: "3s" } } }, { api: { healthcheck: { start_period: "10s" } } }));
    expect(Object.keys(out.services)).toEqual(["api"]);
    const off = buildStartIntervalLayer(layers({ api: { healthcheck: hc() } }, { api: { healthcheck: { disable: true } } }));
    expect(off.services).toEqual({});
  });
});
