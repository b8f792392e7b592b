// Preloaded into a benchmarked command (node --require): prints the CPU time it used, so figures
// stay meaningful when other work shares the machine and wall-clock times swing.
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-ms ${((user + system) / 1000).toFixed(0)}\n`);
});
