import { describe, expect, it } from "vitest";
import { isLoopback, parseProcNetTcp } from "./listening-ports.js";

// Lines as the kernel writes them (trimmed to the columns read).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0200000A:1F90 0300000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1
   3: 0B00007F:9CCD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1
`;
const TCP6 = `  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 00000000000000000000000001000000:1389 00000000000000000000000000000000:0000 0A 00000000:00000000
`;

describe("listening ports from /proc/net/tcp", () => {
  it("keeps LISTEN rows only, with their addresses, leaving out Docker's DNS (127.0.0.11)", () => {
    expect(parseProcNetTcp(TCP + TCP6)).toEqual([
      { address: "0.0.0.0", port: 8080 },
      { address: "127.0.0.1", port: 3000 },
      { address: "::", port: 80 },
      { address: "::1", port: 5001 },
    ]);
  });

  it("tells loopback-only listeners apart", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("::")).toBe(false);
  });
});
