// The compose project loader: what dev lint and dev adopt read a user's compose files with.
export * from "./compose-node.js";
export { interpolate, InterpolationError } from "./interpolate.js";
export { mergeNodes } from "./merge-compose.js";
export { loadComposeProject, parseDotEnv, baseDirOf, type ComposeProject, type LoadComposeOptions } from "./load-compose-project.js";
export { selectComposeFiles, DEFAULT_COMPOSE_FILES, DEFAULT_OVERRIDE_FILES } from "./select-compose-files.js";
export { parseComposeSource, type ComposeSource, type LoadWarning } from "./read-compose-file.js";
export * from "./short-syntax.js";
export * from "./traefik-labels.js";
