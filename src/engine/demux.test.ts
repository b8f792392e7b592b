import { describe, expect, it } from "vitest";
import { LogDemuxer, demuxLines } from "./demux.js";

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe("LogDemuxer", () => {
  it("splits Docker's multiplexed frames into lines per stream, across chunk boundaries", () => {
    const lines: [string, string][] = [];
    const d = new LogDemuxer((line, stream) => lines.push([stream, line]));
    const all = Buffer.concat([frame(1, "hello\nwor"), frame(2, "oops\n"), frame(1, "ld\n")]);
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    d.end();
    expect(lines).toEqual([["stdout", "hello"], ["stderr", "oops"], ["stdout", "world"]]);
  });

  it("reads a TTY container's plain text too", () => {
    expect(demuxLines(Buffer.from("plain\ntext\n"))).toEqual(["plain", "text"]);
  });
});
