import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CA_CERT_FILE, CA_KEY_FILE, ensureLocalCa, localCaDir } from "./local-ca.js";
import { ensureProjectTls, PROJECT_TLS_DIR } from "./project-tls.js";

// Key generation on a loaded two-core machine: far beyond its usual tens of milliseconds.
vi.setConfig({ testTimeout: 60_000 });

let tmp: string;
let caDir: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "create-stack-tls-"));
  caDir = localCaDir({ XDG_DATA_HOME: join(tmp, "data") });
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

describe("the local CA", () => {
  it("lives in the XDG data folder, else ~/.local/share; a relative XDG_DATA_HOME is ignored (the spec says so)", () => {
    expect(localCaDir({ XDG_DATA_HOME: "/x/data", HOME: "/home/u" })).toBe("/x/data/create-stack/ca");
    expect(localCaDir({ HOME: "/home/u" })).toBe("/home/u/.local/share/create-stack/ca");
    expect(localCaDir({ XDG_DATA_HOME: "rel", HOME: "/home/u" })).toBe("/home/u/.local/share/create-stack/ca");
  });

  it("is made once: folder 0700, key 0600, a CA certificate for signing certificates only", () => {
    const first = ensureLocalCa(caDir);
    expect(first.created).toBe(true);
    expect(mode(caDir)).toBe(0o700);
    expect(mode(join(caDir, CA_KEY_FILE))).toBe(0o600);
    expect(mode(join(caDir, CA_CERT_FILE))).toBe(0o644);
    const cert = new X509Certificate(first.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.keyUsage ?? []).toEqual([]); // keyUsage of a CA is not an extended key usage: none listed
    expect(new Date(cert.validTo).getFullYear()).toBeGreaterThanOrEqual(new Date().getFullYear() + 9);
    const again = ensureLocalCa(caDir);
    expect(again.created).toBe(false);
    expect(again.certPem).toBe(first.certPem);
  });
});

describe("a project's certificate", () => {
  it("names localhost, *.localhost, each routed service's NAME.localhost, 127.0.0.1 and ::1; a server certificate valid now, for 397 days", () => {
    const root = join(tmp, "p");
    const tls = ensureProjectTls(root, ["web", "api"], caDir);
    expect(tls.made).toBe("no certificate yet");
    const pem = readFileSync(tls.certFile, "utf8");
    const cert = new X509Certificate(pem);
    expect(cert.subjectAltName).toBe("DNS:localhost, DNS:*.localhost, DNS:api.localhost, DNS:web.localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // serverAuth
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(Math.round((to - from) / 86_400_000)).toBe(397);
    expect(cert.checkHost("api.localhost")).toBe("api.localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("example.com")).toBeUndefined();
    // Signed by the CA, which follows it in the file (the chain).
    const ca = new X509Certificate(tls.ca.certPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(pem.endsWith(tls.ca.certPem)).toBe(true);
    expect(createPrivateKey(readFileSync(tls.keyFile)).asymmetricKeyType).toBe("rsa");
    expect(mode(tls.keyFile)).toBe(0o600);
    expect(mode(join(root, PROJECT_TLS_DIR))).toBe(0o700);
    // Nothing of the CA's key in the project.
    expect(readFileSync(tls.keyFile, "utf8")).not.toBe(tls.ca.keyPem);
    expect(pem).not.toContain("PRIVATE KEY");
  });

  it("is kept while it fits; remade for a new routed service, another CA, or a file that is not a certificate", () => {
    const root = join(tmp, "p");
    const first = ensureProjectTls(root, ["api"], caDir);
    const pem = readFileSync(first.certFile, "utf8");
    expect(ensureProjectTls(root, ["api"], caDir).made).toBeUndefined();
    expect(readFileSync(first.certFile, "utf8")).toBe(pem);
    expect(ensureProjectTls(root, ["api", "web"], caDir).made).toBe("new names: web.localhost");
    // A machine with another CA (a new user folder): the project's certificate follows it.
    const otherCa = localCaDir({ XDG_DATA_HOME: join(tmp, "other") });
    expect(ensureProjectTls(root, ["api", "web"], otherCa).made).toBe("signed by another CA");
    writeFileSync(first.certFile, "junk");
    expect(ensureProjectTls(root, ["api", "web"], otherCa).made).toBe("no certificate yet");
  });

  it("is never written through a link: a cloned .create-stack/tls pointing outside is refused (E_SYMLINK), nothing written there", () => {
    const root = join(tmp, "hostile");
    const outside = join(tmp, "outside");
    mkdirSync(join(root, ".create-stack"), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(root, PROJECT_TLS_DIR));
    expect(() => ensureProjectTls(root, ["api"], caDir)).toThrow(expect.objectContaining({ code: "E_SYMLINK" }));
    expect(readdirSync(outside)).toEqual([]);
  });

  it("keeps the project's key: a new name signs a new certificate for it; a key replaced by hand is followed", () => {
    const root = join(tmp, "p");
    const first = ensureProjectTls(root, ["api"], caDir);
    const key = readFileSync(first.keyFile, "utf8");
    const grown = ensureProjectTls(root, ["api", "web", "admin"], caDir);
    expect(grown.made).toBe("new names: admin.localhost, web.localhost");
    expect(readFileSync(grown.keyFile, "utf8")).toBe(key);
    const cert = new X509Certificate(readFileSync(grown.certFile));
    expect(cert.checkHost("admin.localhost")).toBe("admin.localhost");
    expect(cert.checkPrivateKey(createPrivateKey(key))).toBe(true);
    // Another key in its place: the certificate no longer matches it, so it is remade for that key.
    const other = ensureProjectTls(join(tmp, "q"), ["api"], caDir);
    writeFileSync(first.keyFile, readFileSync(other.keyFile));
    expect(ensureProjectTls(root, ["api", "web", "admin"], caDir).made).toBe("the key is not the certificate's");
    expect(new X509Certificate(readFileSync(first.certFile)).checkPrivateKey(createPrivateKey(readFileSync(other.keyFile)))).toBe(true);
  });

  it("two projects share one CA", () => {
    const a = ensureProjectTls(join(tmp, "a"), ["api"], caDir);
    const b = ensureProjectTls(join(tmp, "b"), ["web"], caDir);
    expect(a.ca.created).toBe(true);
    expect(b.ca.created).toBe(false);
    const ca = new X509Certificate(a.ca.certPem);
    expect(new X509Certificate(readFileSync(b.certFile)).verify(ca.publicKey)).toBe(true);
  });
});
