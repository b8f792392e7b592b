/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: 8-byte header
 * (stream type, 3 zero bytes, big-endian length) then the payload. This splits frames and lines,
 * across chunk boundaries.
 */
export class LogDemuxer {
  private buffer: Buffer = Buffer.alloc(0);
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };

  constructor(private readonly onLine: (line: string, stream: "stdout" | "stderr") => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const type = this.buffer[0];
      const size = this.buffer.readUInt32BE(4);
      if (type !== 1 && type !== 2 && type !== 0) {
        // Not multiplexed (a TTY container): the whole chunk is text.
        this.text(this.buffer.toString("utf8"), "stdout");
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (this.buffer.length < 8 + size) return;
      this.text(this.buffer.subarray(8, 8 + size).toString("utf8"), type === 2 ? "stderr" : "stdout");
      this.buffer = this.buffer.subarray(8 + size);
    }
  }

  end(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream]) this.onLine(this.partial[stream], stream);
      this.partial[stream] = "";
    }
  }

  private text(text: string, stream: "stdout" | "stderr"): void {
    const lines = (this.partial[stream] + text).split("\n");
    this.partial[stream] = lines.pop() ?? "";
    for (const line of lines) this.onLine(line.replace(/\r$/, ""), stream);
  }
}

export function demuxLines(data: Buffer): string[] {
  const lines: string[] = [];
  const d = new LogDemuxer((line) => lines.push(line));
  d.push(data);
  d.end();
  return lines;
}
