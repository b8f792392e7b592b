import { get } from "../../compose/index.js";
import type { LintRule } from "../lint-rule.js";
import { imageOf, servicesOf } from "../project-views.js";

// docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest].
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

export const isValidReference = (ref: string) => REFERENCE.test(ref);

export const imageTag: LintRule = {
  meta: {
    id: "image-tag",
    severity: "warning",
    docs: "Images should name a version: no tag or :latest changes under you at the next pull; a malformed reference fails at pull.",
    fixable: false,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      const image = imageOf(svc);
      if (!image) continue;
      const raw = image.node.kind === "scalar" ? image.node.raw : undefined;
      if (!isValidReference(image.text)) {
        ctx.report(image.node.origin, `image of ${name} is not a valid reference: "${image.text}"${raw ? ` (from "${raw}")` : ""}`);
        continue;
      }
      // An image beside build: names what is built here; its tag is the project's own business.
      if (get(svc, "build") || image.ref.digest) continue;
      if (!image.ref.tag) ctx.report(image.node.origin, `image ${image.text} of ${name} has no tag, so it means :latest: pin a version`);
      else if (image.ref.tag === "latest") ctx.report(image.node.origin, `image ${image.text} of ${name} uses :latest: pin a version`);
    }
  },
};
