import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadComposeProject } from "../../compose/index.js";
import { applyEdits } from "../apply-fixes.js";
import { lintProject } from "../lint-project.js";
import type { LintRule } from "../lint-rule.js";
import { RULES } from "./index.js";

type Files = string | Record<string, string>;
interface Invalid {
  files: Files;
  /** Expected findings: line and a part of the message. */
  errors: { line: number; message: RegExp; file?: string }[];
  /** compose.yaml after --fix, when the rule fixes. */
  output?: string;
}

function write(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), "lint-rule-"));
  for (const [name, text] of Object.entries(typeof files === "string" ? { "compose.yaml": files } : files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function run(rule: LintRule, files: Files) {
  const dir = write(files);
  const project = loadComposeProject({ cwd: dir, env: {} });
  const findings = lintProject(project, { rules: [rule], extra: { readFile: (p) => attempt(() => readFileSync(p, "utf8")), listDir: (p) => attempt(() => readdirSync(p)) } });
  return { dir, project, findings };
}

/** ESLint's RuleTester shape: every valid case has no finding, every invalid case exactly the ones listed. */
function ruleTable(id: string, cases: { valid: Files[]; invalid: Invalid[] }): void {
  const rule = RULES.find((r) => r.meta.id === id)!;
  describe(`rule ${id}`, () => {
    it("has meta: severity, one-line docs, fixable", () => {
      expect(rule.meta.docs.length).toBeGreaterThan(20);
      expect(rule.meta.docs).not.toContain("\n");
    });
    cases.valid.forEach((files, i) =>
      it(`valid #${i + 1}`, () => {
        expect(run(rule, files).findings).toEqual([]);
      }),
    );
    cases.invalid.forEach((c, i) =>
      it(`invalid #${i + 1}`, () => {
        const { dir, findings } = run(rule, c.files);
        expect(findings.map((f) => ({ line: f.line, file: f.file.slice(dir.length + 1), message: f.message }))).toEqual(
          c.errors.map((e) => ({ line: e.line, file: e.file ?? "compose.yaml", message: expect.stringMatching(e.message) })),
        );
        expect(findings.every((f) => f.ruleId === id && f.severity === rule.meta.severity)).toBe(true);
        if (c.output !== undefined) {
          const text = readFileSync(join(dir, "compose.yaml"), "utf8");
          expect(applyEdits(text, findings.flatMap((f) => f.fix ?? [])).text).toBe(c.output);
        }
      }),
    );
  });
}

const svc = (body: string) => `services:\n${body}`;

ruleTable("compose-schema", {
  valid: [svc("  a:\n    image: x:1\n    ports: ['80:80']\n    depends_on: [b]\n  b: {image: y:1}\n"), svc("  a: {image: x:1, x-custom: 1}\nx-anchors: &a {}\n")],
  invalid: [
    { files: svc("  a:\n    image: x:1\n    bogus: true\n"), errors: [{ line: 4, message: /services\.a\.bogus: unknown key/ }] },
    { files: svc("  a:\n    image: x:1\n    ports: {web: 80}\n"), errors: [{ line: 4, message: /services\.a\.ports: must be array/ }] },
    // Only after merging: the override adds the bad key.
    { files: { "compose.yaml": svc("  a: {image: x:1}\n"), "compose.override.yaml": svc("  a:\n    depends_on: {b: {condition: when_ready}}\n") }, errors: [{ line: 3, file: "compose.override.yaml", message: /condition/ }] },
  ],
});

ruleTable("duplicate-host-port", {
  valid: [
    svc("  a: {image: x:1, ports: ['443:443/tcp']}\n  b: {image: y:1, ports: ['443:443/udp']}\n"),
    svc("  a: {image: x:1, ports: ['127.0.0.1:8080:80']}\n  b: {image: y:1, ports: ['127.0.0.2:8080:80']}\n"),
    svc("  a: {image: x:1, ports: ['8000-8009:8000-8009']}\n  b: {image: y:1, ports: ['8010:80', '80']}\n"),
  ],
  invalid: [
    { files: svc("  a: {image: x:1, ports: ['8080:80']}\n  b:\n    image: y:1\n    ports: ['0.0.0.0:8080:8080']\n"), errors: [{ line: 5, message: /8080\/tcp of b is already published by a/ }] },
    { files: svc("  a: {image: x:1, ports: ['9000-9005:9000-9005']}\n  b:\n    image: y:1\n    ports: ['127.0.0.1:9003:80']\n"), errors: [{ line: 5, message: /9003/ }] },
    // A clash that appears only through extends in an override file.
    {
      files: { "compose.yaml": svc("  web: {image: x:1, ports: ['80:80']}\n"), "compose.override.yaml": svc("  admin:\n    extends: {file: compose.yaml, service: web}\n") },
      errors: [{ line: 2, message: /80\/tcp of admin is already published by web/ }],
    },
  ],
});

ruleTable("datastore-exposed", {
  valid: [
    svc("  db: {image: postgres:16, ports: ['127.0.0.1:5432:5432']}\n  web: {image: nginx:1, ports: ['80:80']}\n"),
    svc("  db: {image: postgres:16, expose: ['5432']}\n  cache: {image: redis:7, ports: ['[::1]:6379:6379']}\n"),
    // Recognised by image, not port: an app on 5432 is not a database.
    svc("  app: {image: myapp:1, ports: ['5432:5432']}\n"),
  ],
  invalid: [
    {
      files: svc("  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\" # keep\n  cache:\n    image: bitnami/redis:7.2\n    ports: [6379]\n"),
      errors: [{ line: 5, message: /db \(postgres\) publishes 5432 on all interfaces/ }, { line: 8, message: /cache \(redis\) publishes a random port/ }],
      output: svc("  db:\n    image: postgres:16\n    ports:\n      - \"127.0.0.1:5432:5432\" # keep\n  cache:\n    image: bitnami/redis:7.2\n    ports: [\"127.0.0.1::6379\"]\n"),
    },
    { files: svc("  mq:\n    image: rabbitmq:3-management\n    ports:\n      - 0.0.0.0:15672:15672\n"), errors: [{ line: 5, message: /mq \(rabbitmq\)/ }], output: svc("  mq:\n    image: rabbitmq:3-management\n    ports:\n      - 0.0.0.0:15672:15672\n") },
  ],
});

ruleTable("docker-socket", {
  valid: [svc("  proxy:\n    image: traefik:v3.1\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro']\n"), svc("  app: {image: x:1, volumes: ['./src:/app']}\n")],
  invalid: [
    { files: svc("  app:\n    image: myapp:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n"), errors: [{ line: 5, message: /app mounts the Docker socket/ }] },
    { files: svc("  proxy:\n    image: traefik:v3.1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"), errors: [{ line: 5, message: /writable/ }] },
  ],
});

ruleTable("traefik-api-insecure", {
  valid: [
    svc("  proxy:\n    image: traefik:v3.1\n    command: [--api.insecure=true]\n    ports: ['80:80', '127.0.0.1:8080:8080']\n"),
    svc("  proxy:\n    image: traefik:v3.1\n    command: [--api.dashboard=true]\n    ports: ['80:80', '8080:8080']\n"),
  ],
  invalid: [{ files: svc("  proxy:\n    image: traefik:v2.11\n    command:\n      - --api.insecure=true\n    ports: ['80:80', '8080:8080']\n"), errors: [{ line: 5, message: /API insecure/ }] }],
});

const traefik = "  proxy:\n    image: traefik:v3.1\n";
ruleTable("traefik-router-rule", {
  valid: [svc(`${traefik}  app:\n    image: x:1\n    labels: ['traefik.http.routers.app.rule=Host(\`a.test\`) && PathPrefix(\`/api\`)']\n`)],
  invalid: [
    { files: svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.entrypoints=web\n`), errors: [{ line: 7, message: /router app of app has no rule/ }] },
    { files: svc(`${traefik}  app:\n    image: x:1\n    labels:\n      traefik.http.routers.app.rule: PathPrefix(\`/api\`\n`), errors: [{ line: 7, message: /does not parse: expected "\)"/ }] },
  ],
});

ruleTable("traefik-strip-prefix", {
  valid: [
    svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.rule=PathPrefix(\`/api\`)\n      - traefik.http.routers.app.middlewares=strip\n      - traefik.http.middlewares.strip.stripprefix.prefixes=/api\n`),
    svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.rule=Host(\`a\`) || PathPrefix(\`/x\`)\n      - traefik.http.routers.app.middlewares=strip\n      - traefik.http.middlewares.strip.stripprefix.prefixes=/api\n`),
  ],
  invalid: [
    {
      files: svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.rule=PathPrefix(\`/api\`)\n      - traefik.http.routers.app.middlewares=strip\n  other:\n    image: y:1\n    labels:\n      - traefik.http.middlewares.strip.stripprefix.prefixes=/v1\n`),
      errors: [{ line: 12, message: /stripprefix strip removes \/v1, but router app's rule matches \/api/ }],
    },
  ],
});

ruleTable("traefik-undefined-middleware", {
  valid: [
    svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.rule=PathPrefix(\`/\`)\n      - traefik.http.routers.app.middlewares=auth@file,sec@docker\n  b:\n    image: y:1\n    labels: [traefik.http.middlewares.sec.headers.framedeny=true]\n`),
  ],
  invalid: [
    {
      files: svc(`${traefik}  app:\n    image: x:1\n    labels:\n      - traefik.http.routers.app.rule=PathPrefix(\`/\`)\n      - traefik.http.routers.app.middlewares=auth, strip\n      - traefik.http.middlewares.strip.stripprefix.prefixes=/\n`),
      errors: [{ line: 8, message: /uses middleware auth, which no service defines/ }],
    },
  ],
});

ruleTable("traefik-router-collision", {
  valid: [svc(`${traefik}  a: {image: x:1, labels: ['traefik.http.routers.a.rule=Path(\`/a\`)']}\n  b: {image: x:1, labels: ['traefik.http.routers.b.rule=Path(\`/b\`)']}\n`)],
  invalid: [
    {
      files: svc(`${traefik}  a: {image: x:1, labels: ['traefik.http.routers.web.rule=Path(\`/a\`)']}\n  b:\n    image: x:1\n    labels: ['traefik.http.routers.web.rule=Path(\`/b\`)']\n`),
      errors: [{ line: 7, message: /router web of b is also defined by a/ }],
    },
  ],
});

ruleTable("traefik-network", {
  valid: [
    svc(`${traefik}    networks: [front]\n  app:\n    image: x:1\n    networks: [front, back]\n    labels: [traefik.enable=true, traefik.docker.network=proj_front]\nnetworks: {front: {}, back: {}}\n`),
    svc(`${traefik}  app:\n    image: x:1\n    labels: [traefik.enable=true]\n`),
  ],
  invalid: [
    {
      files: `name: proj\n${svc(`${traefik}    networks: [front]\n  app:\n    image: x:1\n    networks: [front, back]\n    labels:\n      - traefik.enable=true # routed\n  db: {image: postgres:16, networks: [back]}\nnetworks: {front: {}, back: {}}\n`)}`,
      errors: [{ line: 8, message: /app is on 2 networks \(front, back\).*set it to proj_front/ }],
      output: `name: proj\n${svc(`${traefik}    networks: [front]\n  app:\n    image: x:1\n    networks: [front, back]\n    labels:\n      - traefik.enable=true # routed\n      - traefik.docker.network=proj_front\n  db: {image: postgres:16, networks: [back]}\nnetworks: {front: {}, back: {}}\n`)}`,
    },
    {
      files: svc(`${traefik}    networks: [web]\n  app:\n    image: x:1\n    networks: [web, internal]\n    labels:\n      traefik.http.routers.app.rule: Path(\`/\`)\nnetworks:\n  web: {external: true}\n  internal: {}\n`),
      errors: [{ line: 7, message: /set it to web/ }],
      output: svc(`${traefik}    networks: [web]\n  app:\n    image: x:1\n    networks: [web, internal]\n    labels:\n      traefik.http.routers.app.rule: Path(\`/\`)\n      traefik.docker.network: web\nnetworks:\n  web: {external: true}\n  internal: {}\n`),
    },
  ],
});

ruleTable("deploy-labels", {
  valid: [svc("  app:\n    image: x:1\n    deploy: {labels: [com.example.team=a]}\n"), svc("  proxy:\n    image: traefik:v3.1\n    command: [--providers.swarm=true]\n  app:\n    image: x:1\n    deploy: {labels: [traefik.enable=true]}\n")],
  invalid: [{ files: svc("  app:\n    image: x:1\n    deploy:\n      labels:\n        - traefik.http.routers.app.rule=Path(`/`)\n"), errors: [{ line: 6, message: /only Swarm reads/ }] }],
});

ruleTable("depends-on-healthy", {
  valid: [
    svc("  db:\n    image: postgres:16\n    healthcheck: {test: [CMD, pg_isready]}\n  app:\n    image: x:1\n    depends_on: {db: {condition: service_healthy}}\n"),
    { "compose.yaml": svc("  api:\n    build: ./api\n  app:\n    image: x:1\n    depends_on: {api: {condition: service_healthy}}\n"), "api/Dockerfile": "FROM x\nHEALTHCHECK CMD curl -f http://localhost/\n" },
  ],
  invalid: [
    { files: svc("  db: {image: postgres:16}\n  app:\n    image: x:1\n    depends_on:\n      db:\n        condition: service_healthy\n"), errors: [{ line: 6, message: /app waits for db to be healthy, but db has no healthcheck/ }] },
    { files: { "compose.yaml": svc("  api:\n    build: ./api\n  app:\n    image: x:1\n    depends_on: {api: {condition: service_healthy}}\n"), "api/Dockerfile": "FROM x\n" }, errors: [{ line: 6, message: /api has no healthcheck/ }] },
  ],
});

ruleTable("depends-on-unknown", {
  valid: [svc("  db: {image: postgres:16}\n  app: {image: x:1, depends_on: [db, debug]}\n  debug: {image: d:1, profiles: [debug]}\n")],
  invalid: [{ files: svc("  app:\n    image: x:1\n    depends_on: [db]\n"), errors: [{ line: 4, message: /app depends on db, which is not a service/ }] }],
});

ruleTable("image-tag", {
  valid: [svc("  a: {image: postgres:16.2}\n  b: {image: ghcr.io/org/app:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}\n  c: {image: myapp, build: .}\n  d: {image: 'localhost:5000/x:2'}\n")],
  invalid: [
    { files: svc("  a: {image: postgres}\n  b: {image: 'redis:latest'}\n  c: {image: 'Bad/Name:1'}\n"), errors: [{ line: 2, message: /has no tag/ }, { line: 3, message: /uses :latest/ }, { line: 4, message: /not a valid reference/ }] },
  ],
});

ruleTable("literal-secret", {
  valid: [
    svc("  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/pg\n      MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'\n      - \n".replace("      - \n", "")),
    svc("  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD\n      - DATABASE_URL=postgres://app:${PW}@db/app\n"),
    { "compose.yaml": svc("  db:\n    image: postgres:16\n    env_file: db.env\n"), "db.env": "POSTGRES_PASSWORD=in-env-file-not-in-git\n" },
  ],
  invalid: [
    {
      files: svc("  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2\n  app:\n    image: x:1\n    environment:\n      - SECRET_KEY=abc123\n      - DATABASE_URL=postgres://app:hunter2@db/app\n"),
      errors: [{ line: 5, message: /POSTGRES_PASSWORD is written literally/ }, { line: 9, message: /SECRET_KEY/ }, { line: 10, message: /URL with a literal password/ }],
    },
  ],
});

describe("every rule has a test table", () => {
  it("lists each rule id once", () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[a-z][a-z0-9-]*$/.test(id))).toBe(true);
  });
});

describe("literal-secret after substitution", () => {
  it("a list entry KEY=${VAR} is not literal, whatever the variable holds", () => {
    const { findings } = run(RULES.find((r) => r.meta.id === "literal-secret")!, { "compose.yaml": svc("  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=${PW?set it}\n"), ".env": "PW=from-dotenv\n" });
    expect(findings).toEqual([]);
  });
});

ruleTable("nginx-proxy-pass", {
  valid: [
    {
      "compose.yaml": svc("  web:\n    image: nginx:1.27\n    volumes: ['./nginx:/etc/nginx/conf.d:ro']\n  api:\n    image: x:1\n    networks: {default: {aliases: [backend]}}\n"),
      "nginx/default.conf": "upstream app { server api:8000; }\nserver {\n  listen 80;\n  location /api/ { proxy_pass http://app/; }\n  location /b/ { proxy_pass http://backend:9000; }\n  location /ext/ { proxy_pass https://example.com; }\n}\n",
    },
  ],
  invalid: [
    {
      files: {
        "compose.yaml": svc("  web:\n    image: nginx:1.27\n    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro']\n  api: {image: x:1}\n"),
        "nginx.conf": "events {}\nhttp {\n  server {\n    location / { proxy_pass http://frontend:3000; }\n    location /api { proxy_pass http://api:8000; }\n  }\n}\n",
      },
      errors: [{ line: 4, file: "nginx.conf", message: /location \/ passes to "frontend", which is no service of this project/ }],
    },
  ],
});
