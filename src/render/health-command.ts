/**
 * Healthchecks for images we know nothing about. `--health-http /path` becomes a shell script
 * that uses whichever HTTP client the image has: curl, wget (busybox's too), node, python, then
 * bash's /dev/tcp and nc for images with no client at all. Only a 2xx or 3xx answer is healthy.
 * Compose interpolates `$`, so the script has none; a user's own command gets `$` doubled.
 */
export function httpHealthTest(port: number, path: string): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  const request = `printf 'GET ${path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n'`;
  const statusOk = `grep -q '^HTTP/[0-9.]* [23][0-9][0-9]'`;
  const has = (cmd: string) => `command -v ${cmd} >/dev/null 2>&1`;
  const script = [
    `if ${has("curl")}; then curl -fsS -o /dev/null -m 2 ${url}`,
    `elif ${has("wget")}; then wget -q -O /dev/null -T 2 ${url}`,
    `elif ${has("node")}; then node -e "require('http').get('${url}',r=>process.exit(r.statusCode<400?0:1)).on('error',()=>process.exit(1))"`,
    `elif ${has("python3")}; then python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=2)"`,
    `elif ${has("bash")}; then bash -c "exec 3<>/dev/tcp/127.0.0.1/${port} && ${request} >&3 && head -n 1 <&3 | ${statusOk}"`,
    `elif ${has("nc")}; then ${request} | nc -w 2 127.0.0.1 ${port} | head -n 1 | ${statusOk}`,
    `else echo 'no HTTP client in the image (curl, wget, node, python3, bash, nc): set healthcheck.command' >&2; exit 1; fi`,
  ].join("; ");
  return ["CMD-SHELL", script];
}

export function commandHealthTest(command: string): string[] {
  return ["CMD-SHELL", command.replace(/\$/g, "$$$$")];
}
