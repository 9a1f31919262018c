// Loaded in every vitest worker of a suite run. A terminal's Ctrl-C reaches every process of the foreground group,
// the forked workers included; a worker killed by it makes vitest throw on its closed IPC channel instead of
// letting the CLI finish the case in flight, stop the target and write the partial reports. The CLI (the main
// process) decides what an interrupt means, so the workers ignore the signals and are stopped by vitest.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
