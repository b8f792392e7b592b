import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { get, loadComposeProject, toPlain } from "../compose/index.js";
import { buildContextDigest } from "../fs/build-context-digest.js";
import { readStateJson, writeStateJson } from "../fs/state-dir.js";
import { dockerfileBases } from "../stack/dockerfile-bases.js";
import type { ComposeCli } from "../engine/compose-cli.js";
import type { Engine } from "../engine/engine.js";

/** What each service's image was last built from by this tool: its ID then, and a digest of its inputs. */
export const IMAGES_FILE = "images.json";

type ImageRecord = Record<string, { image: string; id: string; inputs: string }>;

/** A service compose builds, with what its image is made from now. */
export interface ServiceBuild {
  service: string;
  /** The image compose tags: the service's `image:`, else compose's name for it. */
  image: string;
  /** Digest of every input (build section, base images' IDs, context files); undefined: cannot tell, build. */
  inputs?: string;
}

/**
 * Build keys whose values are all in the build section itself (or in the context): anything else
 * (secrets, ssh, additional contexts, no_cache, pull) brings inputs from elsewhere.
 */
const KNOWN_BUILD_KEYS = new Set(["context", "dockerfile", "dockerfile_inline", "args", "target", "labels", "network", "shm_size", "extra_hosts", "cache_from", "cache_to", "tags", "isolation", "platforms"]);

/**
 * The services with a build section among `wanted` (none: all), as compose reads the project's
 * files. Undefined when the files cannot be read here: the caller builds everything, as before.
 */
export async function serviceBuilds(root: string, project: string, compose: ComposeCli, engine: Engine, wanted: ReadonlySet<string> | undefined): Promise<ServiceBuild[] | undefined> {
  let model: ReturnType<typeof loadComposeProject>;
  try {
    model = loadComposeProject({ cwd: root });
  } catch {
    return undefined;
  }
  // Services sharing a folder (api and its workers) hash it once and ask for its base's ID once.
  const memo: Lookups = { ids: new Map(), digests: new Map(), engine };
  const out: ServiceBuild[] = [];
  for (const [service, node] of model.services) {
    if (wanted && wanted.size && !wanted.has(service)) continue;
    const build = toPlain(get(node, "build"));
    if (build === undefined) continue;
    const image = toPlain(get(node, "image"));
    const name = typeof image === "string" ? image : compose.kind === "v1" ? `${project.toLowerCase().replace(/[^-_a-z0-9]/g, "")}_${service}` : `${project.toLowerCase()}-${service}`;
    out.push({ service, image: name, inputs: await inputsOf(root, compose, memo, build) });
  }
  return out;
}

interface Lookups {
  engine: Engine;
  ids: Map<string, Promise<string | undefined>>;
  digests: Map<string, string | undefined>;
}

function imageIdOf(memo: Lookups, ref: string): Promise<string | undefined> {
  let id = memo.ids.get(ref);
  if (!id) memo.ids.set(ref, (id = memo.engine.imageId(ref).catch(() => undefined)));
  return id;
}

function contextDigestOf(memo: Lookups, context: string, dockerfile: string): string | undefined {
  const key = `${context}\0${dockerfile}`;
  if (!memo.digests.has(key)) memo.digests.set(key, buildContextDigest(context, dockerfile));
  return memo.digests.get(key);
}

async function inputsOf(root: string, compose: ComposeCli, memo: Lookups, build: unknown): Promise<string | undefined> {
  const def = (typeof build === "string" ? { context: build } : build) as Record<string, unknown> | null;
  if (!def || typeof def !== "object" || Object.keys(def).some((k) => !KNOWN_BUILD_KEYS.has(k))) return undefined;
  const contextText = typeof def.context === "string" ? def.context : ".";
  if (/^[a-z]+:\/\/|^git@/i.test(contextText)) return undefined;
  const context = resolve(root, contextText);
  const args = argsOf(def.args);
  if (!args) return undefined;
  let dockerfileText: string;
  let contextDigest: string | undefined;
  if (typeof def.dockerfile_inline === "string") {
    dockerfileText = def.dockerfile_inline;
    contextDigest = contextDigestOf(memo, context, resolve(context, "Dockerfile.inline"));
  } else {
    const file = typeof def.dockerfile === "string" ? def.dockerfile : "Dockerfile";
    const dockerfile = isAbsolute(file) ? file : resolve(context, file);
    contextDigest = contextDigestOf(memo, context, dockerfile);
    try {
      dockerfileText = readFileSync(dockerfile, "utf8");
    } catch {
      return undefined;
    }
  }
  if (!contextDigest) return undefined;
  const bases = dockerfileBases(dockerfileText, args);
  if (!bases) return undefined;
  const baseIds: string[] = [];
  for (const base of bases) {
    // A base image not here would be pulled by the build: a newer one may come.
    const id = await imageIdOf(memo, base);
    if (!id) return undefined;
    baseIds.push(`${base}=${id}`);
  }
  return createHash("sha256")
    .update(JSON.stringify({ compose: `${compose.kind} ${compose.version}`, build: sorted(def), bases: baseIds, context: contextDigest }))
    .digest("hex");
}

/** Build args as a map; undefined when one takes its value from the environment at build time. */
function argsOf(args: unknown): Record<string, string> | undefined {
  if (args === undefined || args === null) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(args)) {
    for (const a of args) {
      const [k, ...v] = String(a).split("=");
      if (!v.length) return undefined;
      out[k!] = v.join("=");
    }
    return out;
  }
  if (typeof args !== "object") return undefined;
  for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
    if (v === null || v === undefined) return undefined;
    out[k] = String(v);
  }
  return out;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]));
  return value;
}

/**
 * The builds to run: an image that is missing, was not built by this tool, was replaced since
 * (another ID), or whose inputs changed since; and every build whose inputs cannot be told.
 */
export async function staleBuilds(root: string, engine: Engine, builds: readonly ServiceBuild[]): Promise<ServiceBuild[]> {
  const record = (await readStateJson<ImageRecord>(root, IMAGES_FILE).catch(() => undefined)) ?? {};
  const stale: ServiceBuild[] = [];
  for (const b of builds) {
    const last = record[b.service];
    if (!b.inputs || !last || last.inputs !== b.inputs || last.image !== b.image) {
      stale.push(b);
      continue;
    }
    const id = await engine.imageId(b.image).catch(() => undefined);
    if (id !== last.id) stale.push(b);
  }
  return stale;
}

/**
 * Records what the images just built were made from. The inputs were taken before the build:
 * a file changed during it leaves a digest the next start sees as changed, and that one builds.
 */
export async function recordBuilt(root: string, engine: Engine, built: readonly ServiceBuild[]): Promise<void> {
  const record = (await readStateJson<ImageRecord>(root, IMAGES_FILE).catch(() => undefined)) ?? {};
  for (const b of built) {
    const id = b.inputs ? await engine.imageId(b.image).catch(() => undefined) : undefined;
    if (b.inputs && id) record[b.service] = { image: b.image, id, inputs: b.inputs };
    else delete record[b.service];
  }
  await writeStateJson(root, IMAGES_FILE, record);
}
