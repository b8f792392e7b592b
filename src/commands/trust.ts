import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CA_CERT_FILE, ensureLocalCa, localCaDir } from "../tls/local-ca.js";

/** Where Debian and Ubuntu take extra CAs from (update-ca-certificates reads *.crt there). */
const DEBIAN_CA_DIR = "/usr/local/share/ca-certificates";
const NSS_NICKNAME = "create-stack local CA";

/**
 * Installs the machine's local CA where this user asked for it and where it can: the system store
 * (Debian family, as root) and the NSS databases of Chrome/Chromium and Firefox (with certutil).
 * Each step says what it did; what it cannot do, it prints as a command to run. Nothing of this
 * happens elsewhere: `dev up` makes the CA but never installs it.
 */
export async function trust(args: { dryRun: boolean }): Promise<void> {
  const out = (line: string) => process.stdout.write(line + "\n");
  const ca = ensureLocalCa(localCaDir());
  const caFile = join(ca.dir, CA_CERT_FILE);
  out(`${ca.created ? "made" : "local CA"}: ${caFile} (its key stays beside it, readable by you only)`);
  const act = (what: string, run: () => void) => {
    if (args.dryRun) return out(`would ${what}`);
    run();
    out(`done: ${what}`);
  };

  // The system store: curl, wget, Python's requests (with the system bundle), Chrome on Linux only partly.
  if (process.platform === "linux" && existsSync(DEBIAN_CA_DIR) && hasCommand("update-ca-certificates")) {
    const target = join(DEBIAN_CA_DIR, "create-stack-local-ca.crt");
    if (process.getuid?.() === 0) {
      act(`copy it to ${target} and run update-ca-certificates`, () => {
        copyFileSync(caFile, target);
        execFileSync("update-ca-certificates", [], { stdio: "ignore" });
      });
    } else {
      out(`system store: needs root; run:\n  sudo cp ${caFile} ${target} && sudo update-ca-certificates`);
    }
  } else if (process.platform === "darwin") {
    out(`system store (macOS keychain): run:\n  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caFile}`);
  } else if (process.platform === "win32") {
    out(`system store (Windows): run in an administrator shell:\n  certutil -addstore -f ROOT ${caFile}`);
  } else {
    out(`system store: add ${caFile} to your system's trusted CAs (on Fedora: sudo cp it to /etc/pki/ca-trust/source/anchors/ && sudo update-ca-trust)`);
  }

  // Browsers with their own store: Chrome/Chromium (~/.pki/nssdb) and Firefox profiles.
  const dbs = nssDatabases();
  if (dbs.length && hasCommand("certutil")) {
    for (const db of dbs) act(`add it to the NSS database ${db}`, () => execFileSync("certutil", ["-A", "-d", `sql:${db}`, "-t", "C,,", "-n", NSS_NICKNAME, "-i", caFile], { stdio: "ignore" }));
  } else if (dbs.length) {
    out(`browsers (${dbs.join(", ")}): certutil is missing; install it (Debian: apt install libnss3-tools) and run dev trust again, or import ${caFile} in the browser's certificate settings as an authority`);
  } else {
    out(`browsers: none found with its own store; Firefox: Settings > Certificates > Import ${caFile} (trust it for websites)`);
  }
  out(`Node.js clients: NODE_EXTRA_CA_CERTS=${caFile}`);
}

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Chrome/Chromium's shared database and each Firefox profile's, where they exist. */
function nssDatabases(): string[] {
  const home = process.env.HOME || homedir();
  const found: string[] = [];
  const chrome = join(home, ".pki/nssdb");
  if (existsSync(join(chrome, "cert9.db"))) found.push(chrome);
  for (const base of [join(home, ".mozilla/firefox"), join(home, "snap/firefox/common/.mozilla/firefox")]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const e of entries) if (existsSync(join(base, e, "cert9.db"))) found.push(join(base, e));
  }
  return found;
}
