import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { checkStateDir } from "../fs/state-dir.js";
import { ensureLocalCa, localCaDir, rsaKeyPair, serialNumber, signCertificate, type LocalCa } from "./local-ca.js";

/** The project's TLS folder, inside the git-ignored state folder; proxies mount it read-only. */
export const PROJECT_TLS_DIR = ".create-stack/tls";
export const LEAF_CERT_FILE = "cert.pem";
export const LEAF_KEY_FILE = "key.pem";

/** Names every project certificate carries, before the routed services' own NAME.localhost. */
export const BASE_DNS_NAMES = ["localhost", "*.localhost"];
export const IP_NAMES = ["127.0.0.1", "::1"];

export interface ProjectTls {
  certFile: string;
  keyFile: string;
  ca: LocalCa;
  /** What this call did: nothing, or made the certificate (and why). */
  made?: string;
}

/**
 * The project's certificate, signed by the machine's CA, made or remade when it is missing, was
 * signed by another CA, lacks a routed service's NAME.localhost (browsers and curl do not match
 * `*.localhost`, a wildcard on a top-level name, so each name is listed too), or expires within
 * 30 days. Otherwise nothing is written: a proxy that already serves it keeps the same files.
 */
export function ensureProjectTls(root: string, serviceNames: string[], caDir = localCaDir(), extraFiles: { name: string; content: string }[] = []): ProjectTls {
  // The state folder as every write finds it: no link as the folder or in it (`tls -> elsewhere`
  // would put the key outside the project).
  checkStateDir(root);
  const ca = ensureLocalCa(caDir);
  const dir = join(root, PROJECT_TLS_DIR);
  // Files the proxy reads beside the certificate (its HTTPS listener): rewritten only when changed.
  for (const f of extraFiles) {
    if (readIfThere(join(dir, f.name)) === f.content) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomic(join(dir, f.name), f.content, 0o644);
  }
  const certFile = join(dir, LEAF_CERT_FILE);
  const keyFile = join(dir, LEAF_KEY_FILE);
  const dnsNames = [...BASE_DNS_NAMES, ...[...new Set(serviceNames)].sort().map((n) => `${n}.localhost`)];
  // `dev up` syncs on every save of stack.yaml: once checked, the same files (by size and mtime)
  // with the same CA and names need no parsing and no signature check.
  const stamp = fileStamp(certFile, keyFile, ca.certPem, dnsNames);
  if (stamp !== undefined && checked.get(certFile) === stamp) return { certFile, keyFile, ca };
  const why = staleReason(certFile, keyFile, ca, dnsNames);
  if (!why) {
    if (stamp !== undefined) checked.set(certFile, stamp);
    return { certFile, keyFile, ca };
  }
  // The project keeps its key: a new name or a renewal signs a new certificate for the same key
  // (a new RSA key per routed service cost ~100-200 ms each, seconds on a loaded machine), and a
  // proxy reading the files mid-write sees a matching pair whichever certificate it gets.
  const { certPem, keyPem } = makeLeaf(ca, dnsNames, readKey(keyFile));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Key first, then the certificate, each renamed into place: a proxy reading them mid-write sees
  // the old pair or, with a new key, for a moment the new key with the old certificate (its reload
  // then fails and the next one succeeds), never a half-written file.
  if (keyPem !== undefined) writeAtomic(keyFile, keyPem, 0o600);
  // The leaf, then the CA: clients that do not trust the CA yet still see the whole chain.
  writeAtomic(certFile, certPem + ca.certPem, 0o644);
  const written = fileStamp(certFile, keyFile, ca.certPem, dnsNames);
  if (written !== undefined) checked.set(certFile, written);
  return { certFile, keyFile, ca, made: why };
}

/** Certificates this process has checked or written, by file: what they were checked as. */
const checked = new Map<string, string>();

function fileStamp(certFile: string, keyFile: string, caPem: string, dnsNames: string[]): string | undefined {
  try {
    const c = statSync(certFile);
    const k = statSync(keyFile);
    return JSON.stringify([c.size, c.mtimeMs, c.ino, k.size, k.mtimeMs, k.ino, caPem, dnsNames, Math.floor(Date.now() / 3_600_000)]);
  } catch {
    return undefined;
  }
}

/** The project's RSA key when it has a usable one (2048 bits or more), else undefined. */
function readKey(keyFile: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(readFileSync(keyFile));
    return key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? key : undefined;
  } catch {
    return undefined;
  }
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A new temp file (`wx`: never through a link planted at its name), then renamed into place. */
function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, content, { mode, flag: "wx" });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function staleReason(certFile: string, keyFile: string, ca: LocalCa, dnsNames: string[]): string | undefined {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(readFileSync(certFile));
    key = createPrivateKey(readFileSync(keyFile));
  } catch {
    return "no certificate yet";
  }
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return "signed by another CA";
  if (!cert.checkPrivateKey(key)) return "the key is not the certificate's";
  if (new Date(cert.validTo).getTime() - Date.now() < RENEW_BEFORE_MS) return "expires within 30 days";
  const has = new Set((cert.subjectAltName ?? "").split(", ").map((s) => s.replace(/^DNS:/, "")));
  const missing = dnsNames.filter((n) => !has.has(n));
  if (missing.length) return `new names: ${missing.join(", ")}`;
  return undefined;
}

/** 397 days: the longest a browser accepts for a server certificate. Remade 30 days before the end. */
const LEAF_DAYS = 397;

/** The leaf for `dnsNames`; for the project's key when given (keyPem undefined: the key file stays). */
function makeLeaf(ca: LocalCa, dnsNames: string[], key: KeyObject | undefined): { certPem: string; keyPem: string | undefined } {
  const keys = key
    ? { publicKey: forge.pki.publicKeyFromPem(createPublicKey(key).export({ type: "spki", format: "pem" }).toString()) as forge.pki.rsa.PublicKey, privateKeyPem: undefined }
    : rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + LEAF_DAYS * 24 * 3600 * 1000);
  cert.setSubject([
    { name: "organizationName", value: "create-stack development certificate" },
    { name: "commonName", value: "localhost" },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...IP_NAMES.map((ip) => ({ type: 7, ip }))] },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCertificate(cert, ca.keyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}
