/**
 * The image reference grammar of the distribution project (github.com/distribution/reference,
 * regexp.go and reference.go), which the engine and compose parse image names with: an optional
 * registry host[:port], lower-case path components, an optional :tag and an optional @digest.
 * Only its anchored ReferenceRegexp, rebuilt from the same pieces; `\w` is ASCII here as in Go.
 */
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";

const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** distribution/reference's NameTotalLengthMax: the name (registry and path, without tag or digest). */
export const IMAGE_NAME_MAX = 255;

/** Why `ref` is not an image reference the engine accepts, or undefined when it is one. */
export function imageReferenceProblem(ref: string): string | undefined {
  const shown = ref.length > 80 ? `${JSON.stringify(ref.slice(0, 60))}… (${ref.length} characters)` : JSON.stringify(ref);
  // Checked before the pattern: a name thousands of characters long is refused without a long match.
  const name = ref.replace(/@.*$/, "").replace(/:[\w.-]*$/, "");
  if (name.length > IMAGE_NAME_MAX) return `image ${shown} has a name of ${name.length} characters; the limit is ${IMAGE_NAME_MAX}`;
  const match = REFERENCE.exec(ref);
  if (match) return undefined;
  if (REFERENCE.test(name.toLowerCase() + ref.slice(name.length))) {
    return `image ${shown} has upper-case letters in its repository name, which must be lower case`;
  }
  if (/[^A-Za-z0-9._\-/:@[\]]/.test(ref)) return `image ${shown} has a character outside letters, digits and . _ - / : @`;
  return `image ${shown} is not an image reference ([registry/]name[:tag][@digest])`;
}

export const IMAGE_HINT = "an image reference: a lower-case name, then an optional :tag and @digest, e.g. postgres:16 or registry.example.com/team/api:1.2";
