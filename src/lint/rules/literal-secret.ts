import { get, type ComposeNode } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { servicesOf } from "../project-views.js";

const SECRET_KEY = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRET_KEY|SECRETKEY|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|AUTH_KEY|ENCRYPTION_KEY|SIGNING_KEY|MASTER_KEY|CLIENT_SECRET)($|_)/i;
const NOT_SECRET_KEY = /_(FILE|PATH|DIR|URL|URI|ENDPOINT|ADDR|LENGTH|ENABLED|POLICY|ALGORITHM|HOST|PORT|USER|USERNAME|NAME)$|^(.*_)?ALLOW_EMPTY_PASSWORD$|RANDOM_ROOT_PASSWORD$/i;
const FLAG_VALUE = /^(true|false|yes|no|on|off|0|1|none|null|)$/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i;

/** A value written in a compose file (not read from env_file, not substituted from a variable). */
const literal = (node: ComposeNode, compose: Set<string>) => node.kind === "scalar" && node.raw === undefined && compose.has(node.origin.file);

export const literalSecret: LintRule = {
  meta: {
    id: "literal-secret",
    severity: "warning",
    docs: "A password, token or key written into a compose file ends up in git: take it from .env with ${VAR} (a variable with no value is not a secret).",
    fixable: false,
  },
  check(ctx) {
    const compose = new Set(ctx.project.sources.keys());
    for (const [name, svc] of servicesOf(ctx.project)) {
      const sets = [
        ["environment", get(svc, "environment")],
        ["build.args", get(svc, "build", "args")],
      ] as const;
      for (const [where, node] of sets) {
        if (node?.kind !== "map") continue;
        for (const e of node.entries.values()) {
          const v = e.value;
          if (v.kind !== "scalar" || v.value === null || !literal(v, compose)) continue;
          const text = String(v.value);
          if (SECRET_KEY.test(e.key) && !NOT_SECRET_KEY.test(e.key) && !FLAG_VALUE.test(text)) {
            ctx.report(v.origin, `${name}: ${where} ${e.key} is written literally: use \${${e.key}} and set it in .env`);
          } else if (URL_WITH_PASSWORD.test(text) && !text.includes("$")) {
            ctx.report(v.origin, `${name}: ${where} ${e.key} holds a URL with a literal password: build it from \${VARIABLES} set in .env`);
          }
        }
      }
    }
  },
};
