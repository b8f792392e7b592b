import type { Document } from "yaml";
import { STACK_TEXT_OPTIONS } from "./stack-document.js";

/**
 * A stack.yaml document written out again in the layout of the file it was read from: its
 * indentation step, lists under a key indented or not, and its line endings. For the edits that
 * cannot splice text (adding a preset, a service into `services: {}`, removing one others depend
 * on): the file is re-serialised, but it keeps looking like the user's file.
 */
export function stackTextLike(doc: Document, original: string): string {
  const lines = original.split(/\r?\n/);
  const text = doc.toString({ ...STACK_TEXT_OPTIONS, indent: indentStepOf(lines), indentSeq: listsIndentedIn(lines) });
  return original.includes("\r\n") ? text.replace(/\n/g, "\r\n") : text;
}

const content = (line: string) => line.trim() !== "" && !line.trimStart().startsWith("#");
const indentOf = (line: string) => line.length - line.trimStart().length;

/** The smallest indentation of any line: the file's step (2 when nothing is indented). */
function indentStepOf(lines: string[]): number {
  const steps = lines.filter(content).map(indentOf).filter((n) => n > 0);
  return steps.length ? Math.min(...steps) : 2;
}

/** False when the file writes a block list at its key's own column (`presets:` then `- postgres`). */
function listsIndentedIn(lines: string[]): boolean {
  const body = lines.filter(content);
  for (let i = 0; i + 1 < body.length; i++) {
    const key = body[i]!;
    // A key line may end in a comment (`presets: # add-ons`).
    if (!/:\s*(#.*)?$/.test(key) || key.trimStart().startsWith("- ")) continue;
    const next = body[i + 1]!;
    if (next.trimStart().startsWith("- ")) return indentOf(next) > indentOf(key);
  }
  return true;
}
