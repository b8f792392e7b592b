import { describe, expect, it } from "vitest";
import { routeUrls } from "./route-urls.js";

describe("routeUrls", () => {
  const env = new Map([["PROXY_PORT", "8080"], ["PROXY_HTTPS_PORT", "8443"]]);

  it("gives both schemes, HTTPS on the certificate's name", () => {
    expect(routeUrls("/api", env)).toEqual({ url: "http://127.0.0.1:8080/api", httpsUrl: "https://localhost:8443/api" });
  });

  it("adds the slash a browser opens, but not to the root", () => {
    expect(routeUrls("/api", env, true)).toEqual({ url: "http://127.0.0.1:8080/api/", httpsUrl: "https://localhost:8443/api/" });
    expect(routeUrls("/", env, true)).toEqual({ url: "http://127.0.0.1:8080/", httpsUrl: "https://localhost:8443/" });
  });

  it("leaves out a scheme whose port .env does not have", () => {
    expect(routeUrls("/api", new Map([["PROXY_PORT", "8080"]]))).toEqual({ url: "http://127.0.0.1:8080/api" });
    expect(routeUrls("/api", new Map())).toEqual({});
  });
});
