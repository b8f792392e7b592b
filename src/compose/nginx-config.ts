import type { SourceLocation } from "../errors/stack-error.js";
import { StackError } from "../errors/stack-error.js";
import { parseNginxDirectives, type NginxDirective } from "./nginx-directives.js";

export type { NginxDirective, NginxWord } from "./nginx-directives.js";

/** One config file's text and the name to report it by. */
export interface NginxSource {
  file: string;
  text: string;
}

/**
 * Finds the files an `include` names, as the project's own paths. `from` is the including file.
 * Returns undefined when the pattern names nothing in the project (a file of the nginx image such
 * as mime.types): that include is skipped and reported, not an error.
 */
export type NginxIncludeResolver = (pattern: string, from: string) => NginxSource[] | undefined;

export interface NginxConfig {
  directives: NginxDirective[];
  /** Includes that name no file of the project, with where they are. */
  skippedIncludes: { pattern: string; at: SourceLocation }[];
}

const MAX_INCLUDE_DEPTH = 16;

/** Reads an nginx config and the includes it names (recursively), as one directive tree. */
export function loadNginxConfig(entry: NginxSource, resolve: NginxIncludeResolver): NginxConfig {
  const skippedIncludes: NginxConfig["skippedIncludes"] = [];
  const expand = (list: NginxDirective[], chain: string[]): NginxDirective[] =>
    list.flatMap((d) => {
      if (d.name === "include" && !d.block && d.args.length === 1) {
        const pattern = d.args[0]!.value;
        const found = resolve(pattern, d.file);
        if (found === undefined) {
          skippedIncludes.push({ pattern, at: { file: d.file, line: d.line, col: d.col } });
          return [];
        }
        return found.flatMap((src) => {
          if (chain.includes(src.file) || chain.length >= MAX_INCLUDE_DEPTH) {
            throw new StackError({
              code: "E_NGINX_SYNTAX",
              message: `include "${pattern}" includes ${src.file} again (${[...chain, src.file].join(" -> ")})`,
              hint: "Break the include loop.",
              location: { file: d.file, line: d.line, col: d.col },
            });
          }
          return expand(parseNginxDirectives(src.text, src.file), [...chain, src.file]);
        });
      }
      return [d.block ? { ...d, block: expand(d.block, chain) } : d];
    });
  const directives = expand(parseNginxDirectives(entry.text, entry.file), [entry.file]);
  return { directives, skippedIncludes };
}

export type NginxMatch = "prefix" | "exact" | "regex" | "regex-nocase" | "prefix-no-regex";

/** A location whose requests go to a compose service. */
export interface NginxRoute {
  /** The location's path (a regex source for the regex matches). */
  path: string;
  match: NginxMatch;
  serverNames: string[];
  listen: string[];
  service: string;
  port: number;
  /** The upstream block the target came through, if any. */
  upstream?: string;
  /** The URI part of proxy_pass: nginx replaces the matched prefix with it (`/` strips the prefix). */
  uri?: string;
  directive: string;
  /** The location block. */
  location: SourceLocation;
  /** The directive that passes the request on. */
  at: SourceLocation;
}

/** A location that passes requests somewhere this project does not own, or cannot be read. */
export interface NginxUnmapped {
  path: string;
  reason: string;
  at: SourceLocation;
}

/** Maps a host name seen in the config to the compose service it reaches, if any. */
export type NginxHostResolver = (host: string) => string | undefined;

const PASS_DIRECTIVES = ["proxy_pass", "grpc_pass", "uwsgi_pass", "fastcgi_pass", "scgi_pass"];
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, grpc: 80, grpcs: 443 };

interface Upstream {
  servers: { address: string; at: SourceLocation }[];
}

const locOf = (d: NginxDirective): SourceLocation => ({ file: d.file, line: d.line, col: d.col });

function collectUpstreams(list: NginxDirective[], into: Map<string, Upstream>): void {
  for (const d of list) {
    if (d.name === "upstream" && d.block && d.args[0]) {
      const servers = d.block.filter((s) => s.name === "server" && s.args[0]).map((s) => ({ address: s.args[0]!.value, at: locOf(s) }));
      into.set(d.args[0].value, { servers });
    } else if (d.block && d.name !== "location") collectUpstreams(d.block, into);
  }
}

function collectServers(list: NginxDirective[], into: NginxDirective[]): void {
  for (const d of list) {
    if (d.name === "server" && d.block) into.push(d);
    else if (d.block && d.name !== "upstream" && d.name !== "location") collectServers(d.block, into);
  }
}

function locationPath(d: NginxDirective): { path: string; match: NginxMatch | "named" } | undefined {
  const words = d.args.map((a) => a.value);
  if (words.length === 2) {
    const [mod, path] = words as [string, string];
    const match = ({ "=": "exact", "~": "regex", "~*": "regex-nocase", "^~": "prefix-no-regex" } as const)[mod];
    return match ? { path, match } : undefined;
  }
  if (words.length !== 1) return undefined;
  const w = words[0]!;
  if (w.startsWith("@")) return { path: w, match: "named" };
  for (const [mod, match] of [["^~", "prefix-no-regex"], ["~*", "regex-nocase"], ["=", "exact"], ["~", "regex"]] as const) {
    if (w.startsWith(mod) && w.length > mod.length) return { path: w.slice(mod.length), match };
  }
  return { path: w, match: "prefix" };
}

/** `$name` and `${name}` in a value, replaced from `set` values known at config time. */
function substitute(value: string, vars: Map<string, string>): { value: string; unknown?: string } {
  let unknown: string | undefined;
  const out = value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => {
    const v = vars.get(name);
    if (v === undefined) {
      unknown ??= whole;
      return whole;
    }
    return v;
  });
  return unknown === undefined ? { value: out } : { value: out, unknown };
}

interface PassTarget {
  scheme: string;
  host: string;
  port?: number;
  uri?: string;
}

function parseAddress(directive: string, raw: string): PassTarget | string {
  let rest = raw;
  let scheme = directive === "proxy_pass" ? "http" : directive === "grpc_pass" ? "grpc" : directive.replace(/_pass$/, "");
  const m = /^([a-z]+):\/\//i.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (directive === "proxy_pass") return `"${raw}" has no http:// or https://`;
  if (rest.startsWith("unix:")) return `it passes to a unix socket (${rest})`;
  const slash = rest.indexOf("/");
  const hostPort = slash < 0 ? rest : rest.slice(0, slash);
  const uri = slash < 0 ? undefined : rest.slice(slash);
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!hp) return `"${raw}" is not a host and port`;
  const target: PassTarget = { scheme, host: hp[1]! };
  if (hp[2] !== undefined) target.port = Number(hp[2]);
  if (uri !== undefined) target.uri = uri;
  return target;
}

function hostAndPort(address: string): { host: string; port?: number } {
  const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(address);
  if (!hp) return { host: address };
  return hp[2] === undefined ? { host: hp[1]! } : { host: hp[1]!, port: Number(hp[2]) };
}

/**
 * The routes of an nginx config: every location (in every server, nested locations included)
 * whose requests are passed to a compose service, through an upstream block, a literal address,
 * or a `set $var` the pass directive uses. A location passing elsewhere (another host, a socket, a
 * value only known at request time) is listed as unmapped with the reason. Locations nginx serves
 * itself (root, alias, return) are neither.
 */
export function nginxRoutes(config: NginxConfig, resolveHost: NginxHostResolver): { routes: NginxRoute[]; unmapped: NginxUnmapped[] } {
  const upstreams = new Map<string, Upstream>();
  collectUpstreams(config.directives, upstreams);
  const servers: NginxDirective[] = [];
  collectServers(config.directives, servers);
  const routes: NginxRoute[] = [];
  const unmapped: NginxUnmapped[] = [];

  for (const server of servers) {
    const body = server.block ?? [];
    const listen = body.filter((d) => d.name === "listen").map((d) => d.args[0]?.value ?? "");
    const serverNames = body.filter((d) => d.name === "server_name").flatMap((d) => d.args.map((a) => a.value));
    const named = new Map<string, NginxDirective>();
    const visit = (list: NginxDirective[], fn: (loc: NginxDirective, vars: Map<string, string>) => void, vars: Map<string, string>): void => {
      const scope = new Map(vars);
      for (const d of list) if (d.name === "set" && d.args.length === 2 && d.args[0]!.value.startsWith("$") && !d.args[1]!.value.includes("$")) scope.set(d.args[0]!.value.slice(1), d.args[1]!.value);
      for (const d of list) {
        if (d.name !== "location" || !d.block) continue;
        fn(d, scope);
        visit(d.block, fn, scope);
      }
    };
    visit(body, (loc) => {
      const p = locationPath(loc);
      if (p?.match === "named") named.set(p.path, loc);
    }, new Map());

    const passOf = (loc: NginxDirective): NginxDirective | undefined => {
      const own = loc.block?.find((d) => PASS_DIRECTIVES.includes(d.name));
      if (own) return own;
      const tryFiles = loc.block?.find((d) => d.name === "try_files");
      const last = tryFiles?.args.at(-1)?.value;
      if (last?.startsWith("@")) return named.get(last)?.block?.find((d) => PASS_DIRECTIVES.includes(d.name));
      return undefined;
    };

    visit(body, (loc, outerVars) => {
      const p = locationPath(loc);
      if (!p || p.match === "named") return;
      const pass = passOf(loc);
      if (!pass) return;
      const at = locOf(pass);
      const location = locOf(loc);
      const fail = (reason: string) => unmapped.push({ path: p.path, reason, at });
      if (/\$/.test(p.path) && p.match !== "regex" && p.match !== "regex-nocase") return void fail(`the location's path "${p.path}" holds a variable, filled in when the config is templated`);
      const vars = new Map(outerVars);
      for (const d of loc.block ?? []) if (d.name === "set" && d.args.length === 2 && !d.args[1]!.value.includes("$")) vars.set(d.args[0]!.value.replace(/^\$/, ""), d.args[1]!.value);
      const raw = pass.args[0]?.value;
      if (raw === undefined) return void fail(`${pass.name} has no address`);
      const sub = substitute(raw, vars);
      if (sub.unknown) return void fail(`${pass.name} ${raw} uses ${sub.unknown}, which is only known when a request comes in`);
      const target = parseAddress(pass.name, sub.value);
      if (typeof target === "string") return void fail(target);
      const base = { path: p.path, match: p.match, serverNames, listen, directive: pass.name, location, at };
      const withUri = target.uri === undefined ? base : { ...base, uri: target.uri };
      const upstream = target.port === undefined ? upstreams.get(target.host) : undefined;
      if (upstream) {
        if (upstream.servers.length === 0) return void fail(`upstream ${target.host} lists no server`);
        for (const s of upstream.servers) {
          const { host, port } = hostAndPort(s.address);
          const service = resolveHost(host);
          if (!service) fail(`upstream ${target.host} sends to "${host}", which is not a service of this project`);
          else routes.push({ ...withUri, service, port: port ?? 80, upstream: target.host });
        }
        return;
      }
      const service = resolveHost(target.host);
      if (!service) return void fail(`${pass.name} sends to "${target.host}", which is not a service of this project`);
      const port = target.port ?? DEFAULT_PORTS[target.scheme];
      if (port === undefined) return void fail(`${pass.name} ${raw} names no port`);
      routes.push({ ...withUri, service, port });
    }, new Map());
  }
  return { routes, unmapped };
}
