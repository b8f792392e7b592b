import { describe, expect, it } from "vitest";
import { buildFailureKey, composeFailureHint, failedImage, failureLines, progressLine } from "./compose-output.js";

describe("compose output", () => {
  it("shows build and pull steps of compose v1 and v2, nothing else", () => {
    expect(progressLine("Step 3/6 : RUN pip install -r requirements.txt")).toBe("Step 3/6 : RUN pip install -r requirements.txt");
    expect(progressLine("#7 [api 3/6] RUN pip install -r requirements.txt")).toMatch(/^#7 \[api 3\/6\]/);
    expect(progressLine("Building api")).toBe("Building api");
    expect(progressLine("Pulling postgres (postgres:16)...")).toBe("Pulling postgres (postgres:16)...");
    expect(progressLine(" ---> Running in 1234abcd")).toBeUndefined();
    expect(progressLine("Collecting flask")).toBeUndefined();
  });

  it("an image that cannot be pulled: without the stack, names images: (and nothing of a proxy)", () => {
    const v1 = ["Pulling traefik (traefik:v3.1)...", "ERROR: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"];
    const hint = composeFailureHint(v1, "fallback");
    expect(hint).toMatch(/images:/);
    expect(hint).toMatch(/--image FROM=TO/);
    expect(composeFailureHint(["Error response from daemon: pull access denied for nope, repository does not exist"], "x")).toMatch(/images:/);
    expect(composeFailureHint(["ERROR: Service 'api' failed to build"], "fallback")).toBe("fallback");
  });

  it("names the image that failed, as compose v1, v2 and BuildKit write it", () => {
    expect(failedImage(["Pulling postgres (postgres:16)...", "Pulling traefik (traefik:v3.3)...", "ERROR: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host"])).toBe("traefik:v3.3");
    expect(failedImage(["Error response from daemon: pull access denied for nope, repository does not exist"])).toBe("nope");
    expect(failedImage(['failed to solve: python:3.12-slim: failed to resolve source metadata for docker.io/library/python:3.12-slim: failed to do request: dial tcp: lookup registry-1.docker.io: no such host'])).toBe("python:3.12-slim");
    expect(failedImage(["Step 1/3 : ARG BASE_IMAGE", "Step 2/3 : FROM ${BASE_IMAGE}", "Step 1/2 : FROM golang:1.22", "ERROR: Service 'mine' failed to build: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout"])).toBe("golang:1.22");
    expect(failedImage([" proxy Error ", "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"])).toBeUndefined();
  });
  it("quotes the end of both streams, so v1's build output (stdout) is not lost", () => {
    const out = ["Step 4/6 : RUN pip install flask", "ERROR: Could not find a version that satisfies the requirement flask", "", "ERROR: Service 'api' failed to build"];
    expect(failureLines(out)).toEqual([out[0], out[1], out[3]]);
    expect(failureLines(Array.from({ length: 40 }, (_, i) => `l${i}`)).length).toBe(25);
  });

  it("two services built from one folder that fail the same way give one failure, on BuildKit and on v1", () => {
    // compose v2.26 (BuildKit, plain progress) building api, then worker, from one folder: step
    // numbers, order, timings and the service's name differ.
    const buildkit = (svc: string, t: string) => [
      `#7 [${svc} 3/4] COPY . .`,
      "#7 DONE 0.1s",
      "",
      `#8 [${svc} 4/4] RUN echo marker && exit 3`,
      `#8 ${t} marker`,
      '#8 ERROR: process "/bin/sh -c echo marker && exit 3" did not complete successfully: exit code: 3',
      "------",
      ` > [${svc} 4/4] RUN echo marker && exit 3:`,
      `${t} marker`,
      "------",
      'failed to solve: process "/bin/sh -c echo marker && exit 3" did not complete successfully: exit code: 3',
    ];
    expect(buildFailureKey(buildkit("api", "1.347"), "api")).toBe(buildFailureKey(["#6 [worker 3/4] COPY . .", "#6 CACHED", ...buildkit("worker", "1.249").slice(3)], "worker"));
    expect(buildFailureKey(buildkit("api", "1.347"), "api")).not.toBe(buildFailureKey(buildkit("worker", "1.2").map((l) => l.replace("exit code: 3", "exit code: 4")), "worker"));
    const v1 = (svc: string, id: string) => ["Step 4/4 : RUN echo marker && exit 3", ` ---> Running in ${id}`, "marker", "The command '/bin/sh -c echo marker && exit 3' returned a non-zero code: 3", `ERROR: Service '${svc}' failed to build : Build failed`];
    expect(buildFailureKey(v1("api", "3f2a"), "api")).toBe(buildFailureKey(v1("worker", "9c1b"), "worker"));
    // A name inside the failing command is kept: only compose's and BuildKit's own mentions go.
    expect(buildFailureKey(["#8 ERROR: process \"/bin/sh -c ./api\" did not complete successfully: exit code: 1"], "api")).toContain("./api");
  });
});
