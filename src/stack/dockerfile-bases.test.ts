import { describe, expect, it } from "vitest";
import { dockerfileBases } from "./dockerfile-bases.js";

describe("dockerfileBases", () => {
  it("substitutes build args into FROM, over the ARG's default", () => {
    const text = "# base\nARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\nRUN pip install x\n";
    expect(dockerfileBases(text, {})).toEqual(["python:3.12-slim"]);
    expect(dockerfileBases(text, { BASE_IMAGE: "mirror/python:3.12" })).toEqual(["mirror/python:3.12"]);
  });

  it("leaves out stages and scratch, keeps COPY --from an image", () => {
    const text = "FROM --platform=$BUILDPLATFORM node:20 AS build\nRUN \\\n  npm ci\nFROM scratch AS empty\nFROM build\nCOPY --from=build /a /a\nCOPY --from=busybox:1 /bin/sh /sh\nCOPY --from=0 /b /b\n";
    expect(dockerfileBases(text, {})).toEqual(["node:20", "busybox:1"]);
  });

  it("cannot tell: a FROM variable without a value, a remote ADD, a mount from elsewhere, no FROM", () => {
    expect(dockerfileBases("ARG BASE\nFROM $BASE\n", {})).toBeUndefined();
    expect(dockerfileBases("FROM alpine\nADD https://example.org/x.tgz /x\n", {})).toBeUndefined();
    expect(dockerfileBases("FROM alpine\nRUN --mount=type=bind,from=other,target=/o ls\n", {})).toBeUndefined();
    expect(dockerfileBases("RUN echo\n", {})).toBeUndefined();
  });

  it("${NAME:-default} takes the default when the arg is empty", () => {
    expect(dockerfileBases("ARG TAG\nFROM alpine:${TAG:-3.19}\n", {})).toEqual(["alpine:3.19"]);
    expect(dockerfileBases("ARG TAG\nFROM alpine:${TAG:-3.19}\n", { TAG: "3.20" })).toEqual(["alpine:3.20"]);
  });
});
