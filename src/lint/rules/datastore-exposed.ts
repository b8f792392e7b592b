import type { ComposeProject, PortSpec } from "../../compose/index.js";
import type { LintRule, TextEdit } from "../lint-rule.js";
import { imageOf, isAllInterfaces, portsOf, servicesOf } from "../project-views.js";

// Databases, caches and brokers, by image name (the last path segment, any registry or owner).
const DATASTORES = new RegExp(
  "^(" +
    [
      "postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "mysql", "mariadb", "percona-server", "percona", "mongo", "mongodb",
      "redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly", "memcached", "rabbitmq", "elasticsearch", "opensearch",
      "cassandra", "scylla", "couchdb", "couchbase", "influxdb", "neo4j", "clickhouse-server", "clickhouse", "kafka", "cp-kafka", "redpanda",
      "zookeeper", "cp-zookeeper", "nats", "etcd", "server" /* mcr.microsoft.com/mssql/server, checked below */, "cockroach", "arangodb",
      "questdb", "surrealdb", "activemq", "activemq-artemis", "artemis", "mosquitto", "emqx", "pulsar", "qdrant", "weaviate", "milvus",
    ].join("|") +
    ")$",
);

export function isDatastoreImage(repository: string, name: string): boolean {
  if (name === "server") return /mssql\/server$/.test(repository);
  return DATASTORES.test(name);
}

/** Bind a short-syntax port to 127.0.0.1 by inserting before it; undefined when the text is not as expected. */
export function loopbackFix(project: ComposeProject, port: PortSpec): TextEdit[] | undefined {
  const source = project.sources.get(port.origin.file);
  const range = port.origin.range;
  if (!source || !range || port.hostIp) return undefined;
  const written = source.text.slice(range[0], range[1]);
  const quoted = /^["']/.test(written);
  const inner = quoted ? written.slice(1, -1) : written;
  if (inner.includes("\n") || inner.includes("${") || !/^[\d:/a-z-]+$/.test(inner)) return undefined;
  const parts = inner.replace(/\/[a-z]+$/, "").split(":");
  if (parts.length === 1) {
    // Only the container port: compose picks a host port on every interface.
    return [{ file: port.origin.file, range, text: `"127.0.0.1::${inner}"` }];
  }
  if (parts.length !== 2) return undefined;
  const at = range[0] + (quoted ? 1 : 0);
  return quoted ? [{ file: port.origin.file, range: [at, at], text: "127.0.0.1:" }] : [{ file: port.origin.file, range, text: `"127.0.0.1:${inner}"` }];
}

export const datastoreExposed: LintRule = {
  meta: {
    id: "datastore-exposed",
    severity: "error",
    docs: "A database, cache or broker (recognised by its image) publishes its port on all interfaces: anyone on the network can reach it. Bind it to 127.0.0.1.",
    fixable: true,
  },
  check(ctx) {
    for (const [name, svc] of servicesOf(ctx.project)) {
      const image = imageOf(svc);
      if (!image || !isDatastoreImage(image.ref.repository, image.ref.name)) continue;
      for (const port of portsOf(svc)) {
        if (!isAllInterfaces(port.hostIp)) continue;
        const published = port.published ? `${port.published.start}` : "a random port";
        ctx.report(port.origin, `${name} (${image.ref.name}) publishes ${published} on all interfaces: bind it to 127.0.0.1 (127.0.0.1:${port.published?.start ?? ""}:${port.target.start})`, loopbackFix(ctx.project, port));
      }
    }
  },
};
