import { describe, expect, it } from "vitest";
import { buildStackConfig } from "../create/build-stack-config.js";
import { loadPresets } from "../presets/load-presets.js";
import { resolveServices } from "../stack/resolve-services.js";
import type { StackConfig } from "../stack/stack-config.js";
import { composeFailureHint } from "./compose-output.js";
import { stackImagesOf } from "./stack-images.js";

const presets = loadPresets();
const offline = ["Pulling postgres (postgres:16)...", "ERROR: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host"];

function imagesOf(stack: StackConfig) {
  return stackImagesOf(stack, presets, resolveServices(stack, presets));
}

describe("a failed pull's hint, told from the stack", () => {
  it("lists every image the stack pulls or builds FROM, with the images: lines that map them, and the switch to nginx", () => {
    const stack = buildStackConfig({ name: "shop", presets: ["fastapi", "postgres"], proxy: "traefik", images: {} }, presets);
    const images = imagesOf(stack);
    expect(images.mappable.map((m) => m.image).sort()).toEqual(["nginx:1.27", "postgres:16", "python:3.12-slim", "traefik:v3.3"].sort());
    expect(images.mappable.find((m) => m.image === "python:3.12-slim")!.services).toEqual(["api"]);
    const hint = composeFailureHint(offline, "fallback", images);
    expect(hint).toMatch(/^an image could not be pulled \(postgres:16\)/);
    expect(hint).toContain("\n  images:\n");
    expect(hint).toContain("\n    traefik:v3.3: registry.example.com/traefik:v3.3");
    expect(hint).toContain("\n    python:3.12-slim: registry.example.com/python:3.12-slim");
    expect(hint).toContain("`dev add preset nginx --replace traefik`");
  });

  it("a stack already on nginx gets no proxy advice; a mapping already made is shown as it is", () => {
    const stack = buildStackConfig({ name: "shop", presets: ["python-http"], proxy: "nginx", images: { "nginx:1.27": "mirror.local/nginx:1.27" } }, presets);
    const hint = composeFailureHint(offline, "fallback", imagesOf(stack));
    expect(hint).not.toMatch(/--replace|Traefik|--proxy/i);
    expect(hint).toContain("nginx:1.27 (nginx; now mapped to mirror.local/nginx:1.27)");
    expect(hint).toContain("\n    nginx:1.27: mirror.local/nginx:1.27");
  });

  it("a service built from its own Dockerfile is told to change its FROM, not given images: for it", () => {
    const base = buildStackConfig({ name: "shop", presets: ["postgres"], proxy: "none", images: {} }, presets);
    const stack: StackConfig = { ...base, services: { mine: { build: "services/mine" } } };
    const images = imagesOf(stack);
    expect(images.ownDockerfiles).toEqual(["mine"]);
    expect(images.mappable.map((m) => m.image)).toEqual(["postgres:16"]);
    const fromOwn = composeFailureHint(["Step 1/2 : FROM golang:1.22", "ERROR: Service 'mine' failed to build: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout"], "fallback", images);
    expect(fromOwn).toMatch(/^an image could not be pulled \(golang:1\.22\)/);
    expect(fromOwn).toContain("mine is built from a Dockerfile of your own");
    expect(fromOwn).not.toContain("images:\n");
    expect(fromOwn).not.toMatch(/nginx/);
    // The stack's own pull (postgres) still gets the images: lines.
    expect(composeFailureHint(offline, "fallback", images)).toContain("\n    postgres:16: registry.example.com/postgres:16");
  });
});
