import { describe, expect, it } from "vitest";
import { decideOptionalLayers, optionalLayerNotes } from "./optional-layer-listing.js";

const BASE = "compose.yaml:compose.dev.yaml";
const BOTH = `${BASE}:compose.start-interval.yaml:compose.watch.yaml`;
const ALL = { startInterval: true, watch: true };
const NONE = { startInterval: false, watch: false };

describe("COMPOSE_FILE and the optional layers (compose.start-interval.yaml, compose.watch.yaml)", () => {
  it("a command that checks the machine lists the start_interval layer exactly where it is supported, whatever .env said", () => {
    const SI = { startInterval: true, watch: false };
    expect(decideOptionalLayers(ALL, undefined)).toEqual(SI);
    expect(decideOptionalLayers(NONE, undefined)).toEqual(NONE);
    expect(decideOptionalLayers(ALL, BASE)).toEqual(SI);
    expect(decideOptionalLayers(NONE, BOTH)).toEqual(NONE);
  });

  it("the watch layer only where the user listed it, and only while compose understands it (it takes the source mounts away)", () => {
    expect(decideOptionalLayers(ALL, BOTH)).toEqual(ALL);
    expect(decideOptionalLayers(ALL, `${BASE}:compose.watch.yaml`)).toEqual({ startInterval: true, watch: true });
    // Compose 2.24+ on an engine older than Docker 25: the watch layer only.
    expect(decideOptionalLayers({ startInterval: false, watch: true }, BOTH)).toEqual({ startInterval: false, watch: true });
    // An older compose: taken out.
    expect(decideOptionalLayers({ startInterval: true, watch: false }, BOTH)).toEqual({ startInterval: true, watch: false });
  });

  it("commands that do not check (dev sync, dev add) keep what .env says", () => {
    expect(decideOptionalLayers(undefined, BOTH)).toEqual(ALL);
    expect(decideOptionalLayers(undefined, BASE)).toEqual(NONE);
    expect(decideOptionalLayers(undefined, `${BASE}:compose.watch.yaml`)).toEqual({ startInterval: false, watch: true });
    expect(decideOptionalLayers(undefined, undefined)).toEqual(NONE);
  });

  it("only a listing whose name matches exactly counts", () => {
    expect(decideOptionalLayers(undefined, "compose.yaml:my.compose.start-interval.yaml:x/compose.watch.yaml")).toEqual(NONE);
  });

  it("the user hears of each change, and of nothing else", () => {
    expect(optionalLayerNotes(BASE, ALL)).toEqual([expect.stringMatching(/now lists compose\.start-interval\.yaml/), expect.stringMatching(/now lists compose\.watch\.yaml .*up --watch/)]);
    expect(optionalLayerNotes(BOTH, { startInterval: true, watch: false })).toEqual([expect.stringMatching(/no longer lists compose\.watch\.yaml/)]);
    expect(optionalLayerNotes(BOTH, ALL)).toEqual([]);
    expect(optionalLayerNotes(BASE, NONE)).toEqual([]);
  });
});
