import { describe, expect, it } from "vitest";
import { decideStartIntervalListing, startIntervalNote } from "./start-interval-listing.js";

const WITH = "compose.yaml:compose.dev.yaml:compose.start-interval.yaml";
const WITHOUT = "compose.yaml:compose.dev.yaml";

describe("COMPOSE_FILE and compose.start-interval.yaml", () => {
  it("a new .env lists it exactly when this machine supports it, and remembers that decision", () => {
    expect(decideStartIntervalListing({ supported: true, composeFile: undefined, recorded: undefined })).toEqual({ list: true, record: true, reason: "new" });
    expect(decideStartIntervalListing({ supported: false, composeFile: undefined, recorded: undefined })).toEqual({ list: false, record: false, reason: "new" });
  });

  it("commands that do not check (dev sync, dev add) keep what .env says", () => {
    expect(decideStartIntervalListing({ supported: undefined, composeFile: WITH, recorded: false })).toEqual({ list: true, reason: "kept" });
    expect(decideStartIntervalListing({ supported: undefined, composeFile: WITHOUT, recorded: true })).toEqual({ list: false, reason: "kept" });
    expect(decideStartIntervalListing({ supported: undefined, composeFile: undefined, recorded: undefined })).toEqual({ list: false, reason: "kept" });
  });

  it("dev up follows the machine while .env is as we left it: an upgrade adds it, a downgrade takes it out", () => {
    expect(decideStartIntervalListing({ supported: true, composeFile: WITHOUT, recorded: false })).toEqual({ list: true, record: true, reason: "checked" });
    expect(decideStartIntervalListing({ supported: false, composeFile: WITH, recorded: true })).toEqual({ list: false, record: false, reason: "checked" });
    expect(decideStartIntervalListing({ supported: true, composeFile: WITH, recorded: true })).toEqual({ list: true, record: true, reason: "checked" });
    // A project from before the layer existed (nothing recorded, not listed) gets it where supported.
    expect(decideStartIntervalListing({ supported: true, composeFile: WITHOUT, recorded: undefined })).toEqual({ list: true, record: true, reason: "checked" });
  });

  it("a listing changed by hand is the user's: kept either way, and the record is left alone", () => {
    // Taken out by hand on a machine that supports it.
    expect(decideStartIntervalListing({ supported: true, composeFile: WITHOUT, recorded: true })).toEqual({ list: false, reason: "hand-edited" });
    // Added by hand where we found no support (a compose we could not ask, say).
    expect(decideStartIntervalListing({ supported: false, composeFile: WITH, recorded: false })).toEqual({ list: true, reason: "hand-edited" });
    // Listed with no decision of ours on record.
    expect(decideStartIntervalListing({ supported: false, composeFile: WITH, recorded: undefined })).toEqual({ list: true, reason: "hand-edited" });
  });

  it("only a listing whose name matches exactly counts", () => {
    expect(decideStartIntervalListing({ supported: undefined, composeFile: "compose.yaml:my.compose.start-interval.yaml", recorded: undefined }).list).toBe(false);
  });

  it("the user hears of a change we made, not of one they made or of a new .env", () => {
    expect(startIntervalNote(false, { list: true, record: true, reason: "checked" })).toMatch(/now lists compose\.start-interval\.yaml/);
    expect(startIntervalNote(true, { list: false, record: false, reason: "checked" })).toMatch(/no longer lists/);
    expect(startIntervalNote(true, { list: true, record: true, reason: "checked" })).toBeUndefined();
    expect(startIntervalNote(undefined, { list: true, record: true, reason: "new" })).toBeUndefined();
    expect(startIntervalNote(true, { list: true, reason: "hand-edited" })).toBeUndefined();
  });
});
