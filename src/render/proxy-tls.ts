/**
 * Where every proxy preset mounts the project's TLS folder (read-only), and the files in it: the
 * leaf certificate (with the local CA after it) and its key. The folder itself is written by
 * `dev up` / `dev sync` (see src/tls), never by the plan: a private key is no generated file.
 */
export const PROXY_TLS_DIR = "/etc/create-stack/tls";
export const PROXY_TLS_CERT = `${PROXY_TLS_DIR}/cert.pem`;
export const PROXY_TLS_KEY = `${PROXY_TLS_DIR}/key.pem`;
