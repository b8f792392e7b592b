import { vi } from "vitest";

// Mutation runs keep one worker thread for every test file (isolate: false, for the native
// watcher). Without this, a module's state (the preset registry, compiled templates, module-level
// constants) would come from whichever file loaded it first, not from the active mutant.
vi.resetModules();
