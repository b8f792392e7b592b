import type { LintRule } from "../lint-rule.js";
import { composeSchema } from "./compose-schema.js";
import { datastoreExposed } from "./datastore-exposed.js";
import { dependsOnHealthy, dependsOnUnknown } from "./depends-on.js";
import { deployLabels } from "./deploy-labels.js";
import { dockerSocket } from "./docker-socket.js";
import { duplicateHostPort } from "./duplicate-host-port.js";
import { imageTag } from "./image-tag.js";
import { literalSecret } from "./literal-secret.js";
import { nginxProxyPass } from "./nginx-proxy-pass.js";
import { traefikApiInsecure } from "./traefik-api-insecure.js";
import { traefikNetwork } from "./traefik-network.js";
import { traefikRouterCollision } from "./traefik-router-collision.js";
import { traefikRouterRule } from "./traefik-router-rule.js";
import { traefikStripPrefix } from "./traefik-strip-prefix.js";
import { traefikUndefinedMiddleware } from "./traefik-undefined-middleware.js";

/** Every rule, in the order README lists them. */
export const RULES: readonly LintRule[] = [
  composeSchema,
  duplicateHostPort,
  datastoreExposed,
  dockerSocket,
  traefikApiInsecure,
  traefikRouterRule,
  traefikStripPrefix,
  traefikUndefinedMiddleware,
  traefikRouterCollision,
  traefikNetwork,
  deployLabels,
  dependsOnHealthy,
  dependsOnUnknown,
  imageTag,
  literalSecret,
  nginxProxyPass,
];
