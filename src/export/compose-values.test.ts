import { describe, expect, it } from "vitest";
import { hasSecret, literalOf, resolvePieces } from "./compose-values.js";
import { shellWord } from "./secret-shell.js";

const ctx = { env: { POSTGRES_USER: "app", POSTGRES_PASSWORD: "pw", EMPTY: "" }, secrets: new Set(["POSTGRES_PASSWORD"]) };

describe("compose values for export", () => {
  it("fills .env values and defaults, keeps secrets as references, unescapes $$", () => {
    expect(resolvePieces("postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/x", ctx)).toEqual([
      { text: "postgresql://app:" },
      { secret: "POSTGRES_PASSWORD" },
      { text: "@db/x" },
    ]);
    expect(literalOf(resolvePieces("${MISSING:-fallback} ${POSTGRES_USER:-other} $POSTGRES_USER", ctx))).toBe("fallback app app");
    expect(literalOf(resolvePieces('pg_isready -U "$${POSTGRES_USER}"', ctx))).toBe('pg_isready -U "${POSTGRES_USER}"');
    expect(hasSecret(resolvePieces("${POSTGRES_PASSWORD:?must be set}", ctx))).toBe(true);
    expect(literalOf(resolvePieces("${EMPTY:-x}|${EMPTY-y}|${UNSET-z}", ctx))).toBe("x||z");
  });

  it("shell words quote literal text and expand only the secret variables", () => {
    expect(shellWord(resolvePieces('a"b`c\\d$$e ${POSTGRES_PASSWORD}', ctx))).toBe('"a\\"b\\`c\\\\d\\$e ${POSTGRES_PASSWORD}"');
  });
});
