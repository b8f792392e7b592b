import { StackError } from "../errors/stack-error.js";

/** One word of a directive, unquoted, with where it starts (1-based). */
export interface NginxWord {
  value: string;
  line: number;
  col: number;
  /** The word was written in quotes (so `;`, `{` or spaces in it are text). */
  quoted: boolean;
}

/** A directive as nginx reads it: `name args...;` or `name args... { block }`. */
export interface NginxDirective {
  name: string;
  args: NginxWord[];
  file: string;
  line: number;
  col: number;
  block?: NginxDirective[];
}

function syntaxError(file: string, line: number, col: number, message: string, hint: string): StackError {
  return new StackError({ code: "E_NGINX_SYNTAX", message, hint, location: { file, line, col } });
}

/** nginx keeps a backslash except before a quote, another backslash and t/r/n. */
function unescape(next: string, quotes: string): string {
  if (quotes.includes(next) || next === "\\") return next;
  return next === "t" ? "\t" : next === "n" ? "\n" : next === "r" ? "\r" : `\\${next}`;
}

/**
 * Splits nginx config text into words and the three punctuation marks `;`, `{` and `}`, the way
 * nginx's own reader does: `#` starts a comment only where a word could start, quotes may hold
 * anything (backslash escapes the next character), and `{` right after `$` belongs to a variable
 * such as `${host}`, not to a block.
 */
export function tokenizeNginx(text: string, file: string): NginxWord[] {
  const out: NginxWord[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const advance = (): string => {
    const ch = text[i++]!;
    if (ch === "\n") {
      line++;
      col = 1;
    } else col++;
    return ch;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
      advance();
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") advance();
      continue;
    }
    const startLine = line;
    const startCol = col;
    if (ch === ";" || ch === "{" || ch === "}") {
      advance();
      out.push({ value: ch, line: startLine, col: startCol, quoted: false });
      continue;
    }
    if (ch === '"' || ch === "'") {
      advance();
      let value = "";
      for (;;) {
        if (i >= text.length) throw syntaxError(file, startLine, startCol, "a quoted string is never closed", `Close it with ${ch}.`);
        const c = advance();
        if (c === "\\" && i < text.length) {
          const next = advance();
          value += unescape(next, ch);
          continue;
        }
        if (c === ch) break;
        value += c;
      }
      out.push({ value, line: startLine, col: startCol, quoted: true });
      continue;
    }
    let value = "";
    while (i < text.length) {
      const c = text[i]!;
      if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === ";" || c === "}") break;
      if (c === "{" && !value.endsWith("$")) break;
      if (c === "\\" && i + 1 < text.length) {
        advance();
        value += unescape(advance(), "\"'");
        continue;
      }
      if (c === "{") {
        // ${name}: read through the closing brace as part of the word.
        while (i < text.length && text[i] !== "}") value += advance();
        if (i < text.length) value += advance();
        continue;
      }
      value += advance();
    }
    out.push({ value, line: startLine, col: startCol, quoted: false });
  }
  return out;
}

/** Parses nginx config text into its directive tree; a syntax error names file:line:col. */
export function parseNginxDirectives(text: string, file: string): NginxDirective[] {
  const words = tokenizeNginx(text, file);
  let pos = 0;
  const isMark = (w: NginxWord | undefined, mark: string) => w !== undefined && !w.quoted && w.value === mark;
  const readBlock = (opener: NginxWord | undefined): NginxDirective[] => {
    const list: NginxDirective[] = [];
    for (;;) {
      const head = words[pos];
      if (head === undefined) {
        if (opener) throw syntaxError(file, opener.line, opener.col, `this block is never closed`, "Add the missing }.");
        return list;
      }
      if (isMark(head, "}")) {
        if (!opener) throw syntaxError(file, head.line, head.col, `a } closes no block`, "Remove it, or add the { it should close.");
        pos++;
        return list;
      }
      if (isMark(head, ";") || isMark(head, "{")) {
        throw syntaxError(file, head.line, head.col, `unexpected "${head.value}" where a directive name should be`, "Check the line before it.");
      }
      pos++;
      const args: NginxWord[] = [];
      for (;;) {
        const w = words[pos];
        if (w === undefined || isMark(w, "}")) {
          throw syntaxError(file, head.line, head.col, `directive "${head.value}" does not end with ; or {`, 'End it with ";".');
        }
        pos++;
        if (isMark(w, ";")) {
          list.push({ name: head.value, args, file, line: head.line, col: head.col });
          break;
        }
        if (isMark(w, "{")) {
          list.push({ name: head.value, args, file, line: head.line, col: head.col, block: readBlock(w) });
          break;
        }
        args.push(w);
      }
    }
  };
  return readBlock(undefined);
}
