/** The oldest Node the bins run on; package.json's `engines` says the same (a unit test checks). */
export const MIN_NODE = "20.19.0";

function parts(version: string): number[] {
  return version.replace(/^v/, "").split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

/**
 * What to tell a user whose Node is older than MIN_NODE, or undefined when it is recent enough.
 * Pure, and free of imports: the bins call it before loading anything an old Node cannot run
 * (yargs needs require() of ES modules, 20.19+), so the user reads this instead of a stack trace.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const have = parts(version);
  const need = parts(MIN_NODE);
  for (let i = 0; i < 3; i++) {
    if (have[i]! > need[i]!) return undefined;
    if (have[i]! < need[i]!) {
      const shown = need[2] === 0 ? `${need[0]}.${need[1]}` : MIN_NODE;
      return `create-stack needs Node ${shown} or newer (this is ${version.replace(/^v/, "")}); install a current Node from https://nodejs.org or with your version manager (e.g. \`nvm install 22\`), then run it again`;
    }
  }
  return undefined;
}
