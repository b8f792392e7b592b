import { describe, expect, it } from "vitest";
import { decideOptionalLayers, optionalLayerNotes } from "./optional-layer-listing.js";

const BASE = "compose.yaml:compose.dev.yaml";
const BOTH = `${BASE}:compose.start-interval.yaml:compose.watch.yaml`;
const ALL = { startInterval: true, watch: true };
const NONE = { startInterval: false, watch: false };

describe("COMPOSE_FILE and the optional layers (compose.start-interval.yaml, compose.watch.yaml)", () => {
  it("a command that checks the machine lists exactly what it supports, whatever .env said", () => {
    expect(decideOptionalLayers(ALL, undefined)).toEqual(ALL);
    expect(decideOptionalLayers(NONE, undefined)).toEqual(NONE);
    expect(decideOptionalLayers(ALL, BASE)).toEqual(ALL);
    expect(decideOptionalLayers(NONE, BOTH)).toEqual(NONE);
    // Compose 2.24+ on an engine older than Docker 25: the watch layer only.
    expect(decideOptionalLayers({ startInterval: false, watch: true }, BOTH)).toEqual({ startInterval: false, watch: true });
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
