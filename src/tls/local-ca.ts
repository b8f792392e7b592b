import { generateKeyPairSync, randomBytes, sign as nodeSign } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, hostname, userInfo } from "node:os";
import { dirname, join } from "node:path";
import forge from "node-forge";

/** The machine's local certificate authority: its certificate and key, PEM. */
export interface LocalCa {
  dir: string;
  certPem: string;
  keyPem: string;
  /** True when this call made it (the first project on this machine). */
  created: boolean;
}

export const CA_CERT_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";

/**
 * Where the CA lives: one per user and machine, outside every project, under the XDG data folder
 * ($XDG_DATA_HOME/create-stack/ca, else ~/.local/share/create-stack/ca).
 */
export function localCaDir(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith("/") ? env.XDG_DATA_HOME : join(env.HOME || homedir(), ".local/share");
  return join(data, "create-stack", "ca");
}

/** The CA in `dir`, made on first use: folder 0700, key 0600, certificate 0644. */
export function ensureLocalCa(dir = localCaDir()): LocalCa {
  const existing = readCa(dir);
  if (existing) return { ...existing, created: false };
  // Made in a folder of its own beside the final one, then renamed into place: two processes
  // making it at once end with one CA, the first rename's (the other's rename fails, and it reads).
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  const tmp = `${dir}.tmp-${randomBytes(4).toString("hex")}`;
  mkdirSync(tmp, { mode: 0o700 });
  try {
    const { certPem, keyPem } = makeCa();
    writeFileSync(join(tmp, CA_KEY_FILE), keyPem, { mode: 0o600 });
    writeFileSync(join(tmp, CA_CERT_FILE), certPem, { mode: 0o644 });
    chmodSync(tmp, 0o700);
    try {
      renameSync(tmp, dir);
      return { dir, certPem, keyPem, created: true };
    } catch (err) {
      const other = readCa(dir);
      if (other) return { ...other, created: false };
      throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readCa(dir: string): { dir: string; certPem: string; keyPem: string } | undefined {
  try {
    return { dir, certPem: readFileSync(join(dir, CA_CERT_FILE), "utf8"), keyPem: readFileSync(join(dir, CA_KEY_FILE), "utf8") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Ten years; only ever trusted on this machine, for names that never leave it. */
const CA_YEARS = 10;

function makeCa(): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime());
  cert.validity.notAfter.setFullYear(now.getFullYear() + CA_YEARS);
  // UTF8String: a PrintableString cannot hold "@" or "_", and Go's TLS (Caddy, Traefik) refuses it.
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const attrs = [
    { name: "organizationName", value: "create-stack local development CA", valueTagClass: utf8 },
    { shortName: "OU", value: `${safeUser()}@${hostname()}`, valueTagClass: utf8 },
    { name: "commonName", value: `create-stack local CA ${safeUser()}@${hostname()}`, valueTagClass: utf8 },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signCertificate(cert, keys.privateKeyPem);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** 16 random bytes, positive (RFC 5280: serials are positive, at most 20 bytes). */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString("hex");
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "user";
  }
}

/** An RSA 2048 key made by Node's own crypto (native): its private key in PEM, its public key for forge. */
export function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey, privateKeyPem: privateKey };
}

/**
 * Signs a certificate forge has built with a PEM key, through Node's crypto: forge lays out the
 * ASN.1, Node does the RSA (forge's own, in JavaScript, takes seconds where Node takes milliseconds).
 */
export function signCertificate(cert: forge.pki.Certificate, privateKeyPem: string): void {
  let tbs = "";
  const md = { algorithm: "sha256", update: (bytes: string) => void (tbs += bytes) } as unknown as forge.md.MessageDigest;
  const signer = { sign: () => nodeSign("sha256", Buffer.from(tbs, "binary"), privateKeyPem).toString("binary") } as unknown as forge.pki.rsa.PrivateKey;
  cert.sign(signer, md);
}
