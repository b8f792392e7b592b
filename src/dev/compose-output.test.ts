import { describe, expect, it } from "vitest";
import { composeFailureHint, failureLines, progressLine } from "./compose-output.js";

describe("compose output", () => {
  it("shows build and pull steps of compose v1 and v2, nothing else", () => {
    expect(progressLine("Step 3/6 : RUN pip install -r requirements.txt")).toBe("Step 3/6 : RUN pip install -r requirements.txt");
    expect(progressLine("#7 [api 3/6] RUN pip install -r requirements.txt")).toMatch(/^#7 \[api 3\/6\]/);
    expect(progressLine("Building api")).toBe("Building api");
    expect(progressLine("Pulling postgres (postgres:16)...")).toBe("Pulling postgres (postgres:16)...");
    expect(progressLine(" ---> Running in 1234abcd")).toBeUndefined();
    expect(progressLine("Collecting flask")).toBeUndefined();
  });

  it("an image that cannot be pulled names images:, --image and --proxy nginx", () => {
    const v1 = ["Pulling traefik (traefik:v3.1)...", "ERROR: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"];
    const hint = composeFailureHint(v1, "fallback");
    expect(hint).toMatch(/images:/);
    expect(hint).toMatch(/--image FROM=TO/);
    expect(hint).toMatch(/--proxy nginx/);
    expect(composeFailureHint(["Error response from daemon: pull access denied for nope, repository does not exist"], "x")).toMatch(/images:/);
    expect(composeFailureHint(["ERROR: Service 'api' failed to build"], "fallback")).toBe("fallback");
  });

  it("quotes the end of both streams, so v1's build output (stdout) is not lost", () => {
    const out = ["Step 4/6 : RUN pip install flask", "ERROR: Could not find a version that satisfies the requirement flask", "", "ERROR: Service 'api' failed to build"];
    expect(failureLines(out)).toEqual([out[0], out[1], out[3]]);
    expect(failureLines(Array.from({ length: 40 }, (_, i) => `l${i}`)).length).toBe(25);
  });
});
