/**
 * A plan is every file a command wants on disk, computed in memory before anything is written.
 * `action` is decided by comparing with what is on disk now (see diff-plan.ts).
 */
/**
 * generated: rewritten from stack.yaml, guarded by a hash against hand edits. starter: written
 * once, then the user's. merge: the user's, but we add missing lines (requirements.txt,
 * .gitignore, .env). stack: stack.yaml itself, written only by a command that changes it.
 * docs: generated and kept current like "generated" while unedited; once edited by hand, the
 * user's (kept as it is, never a conflict): the project's README.
 */
export type FileOwner = "generated" | "starter" | "merge" | "stack" | "docs";

export type FileAction = "create" | "update" | "delete" | "unchanged" | "skip" | "conflict";

export interface PlannedFile {
  /** Project-relative path with forward slashes. */
  path: string;
  content: string;
  owner: FileOwner;
  /** Octal mode; .env is 0o600. */
  mode?: number;
  action: FileAction;
  /** Why a file is skipped or in conflict, for the user. */
  reason?: string;
  /**
   * Hash of the file as it was when planned (null: it did not exist). The flush refuses to write
   * over a file that changed since, so nothing is planned on one version and written on another.
   */
  base?: string | null;
}

export interface Plan {
  root: string;
  files: PlannedFile[];
  /** Things to tell the user after writing (e.g. a port that had to change). */
  notes: string[];
  /**
   * false: no record of the files created is kept (an export's folder is no project: the record
   * would be the only file left of .create-stack/ there, in a folder that may be committed).
   */
  recordCreated?: boolean;
}

/** Read access to the files a plan compares against; undefined when the file does not exist. */
export interface FileReader {
  read(path: string): string | undefined;
}
