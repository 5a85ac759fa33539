// Plain result types of the datasets tools (scan, duplicates, git bloat, canonicalize). No imports: the protocol
// re-exports them for the client's Datasets view, and the CLI serializes them at its edge (json.ts).

/** Why an entry could not be fully read. Every problem is reported in the results; none ends a run. */
export type ProblemKind = 'permission' | 'vanished' | 'loop' | 'non-utf8-name' | 'name-too-long' | 'io';

export interface ScanProblem {
  kind: ProblemKind;
  /** Displayable path (bytes that are not UTF-8 are written as `\xNN`). */
  path: string;
  /** errno code when there was one (EACCES, ENOENT, ELOOP, …). */
  code?: string;
  message: string;
}

/** A symlink (or a Windows junction, which Node reports as a symlink). Links are reported, never followed into loops. */
export interface LinkInfo {
  path: string;
  /** The link's text as stored (readlink). */
  target: string;
  /** The fully resolved path, or null when the link dangles or loops. */
  resolved: string | null;
  kind: 'file' | 'dir' | 'dangling' | 'loop' | 'other';
  /**
   * True when following this link would loop: it resolves to a folder that contains the link (a cycle), or its
   * resolution itself loops (ELOOP, e.g. a → b → a).
   */
  loop: boolean;
}

export interface FolderUsage {
  path: string;
  /** 0 for a root, 1 for its children, … */
  depth: number;
  /** Sum of st_size of everything below (files, folders, links), each inode once: `du -s --apparent-size`. */
  apparentBytes: number;
  /** Sum of st_blocks × 512, each inode once: what `du -s` reports. */
  allocatedBytes: number;
  files: number;
  dirs: number;
}

export interface RootUsage extends FolderUsage {
  /** Links through which this root was reached when it lies outside the configured roots (else empty). */
  reachedThrough: string[];
}

export interface FileSize {
  path: string;
  sizeBytes: number;
}

/** One inode seen at two or more paths: counted once in every total. */
export interface HardLinkGroup {
  sizeBytes: number;
  /** Every path seen for this inode, sorted. */
  paths: string[];
  /** st_nlink: may be larger than paths.length when other links lie outside the scanned roots. */
  nlink: number;
}

export interface ScanResult {
  roots: RootUsage[];
  /** Cumulative usage of every folder up to `folderDepth` below each root, largest allocated first. */
  folders: FolderUsage[];
  largestFiles: FileSize[];
  largestFolders: FolderUsage[];
  hardLinks: HardLinkGroup[];
  links: LinkInfo[];
  problems: ScanProblem[];
  totals: {
    files: number;
    dirs: number;
    symlinks: number;
    /** Paths skipped from totals because their inode was already counted. */
    hardLinkedPaths: number;
    apparentBytes: number;
    allocatedBytes: number;
  };
  seconds: number;
}

/** Distinct files (inodes) with identical content. Hard links of one file are one file, at any of its paths. */
export interface DupeGroup {
  sizeBytes: number;
  /** xxh128 of the content, hex. */
  hash: string;
  /** One path per distinct file, sorted; `canonical` is one of them. */
  files: string[];
  canonical: string;
  /** sizeBytes × (files.length − 1). */
  reclaimableBytes: number;
}

/** Folders whose whole content is identical (same names, same file contents, same link texts). */
export interface FolderDupeGroup {
  /** Apparent bytes of the files of one copy. */
  sizeBytes: number;
  files: number;
  /** Content signature of the folder tree (xxh128 over the sorted entries), hex. */
  signature: string;
  folders: string[];
  canonical: string;
  /** Bytes freed by replacing every other copy with a link (files already hard-linked to the canonical copy excluded). */
  reclaimableBytes: number;
  /** True when a manifest file (manifest.json) identifies this folder as a dataset cache. */
  datasetCache: boolean;
}

export interface DupesResult {
  groups: DupeGroup[];
  /** Maximal duplicated folders: a folder inside a duplicated folder is not listed again. */
  folderGroups: FolderDupeGroup[];
  reclaimableBytes: number;
  stats: {
    filesScanned: number;
    /** Distinct files after hard links were merged. */
    distinctFiles: number;
    sizeCandidates: number;
    partialHashed: number;
    fullHashed: number;
    /** Bytes read for hashing in this run (0 on a rescan of an unchanged tree with the cache). */
    bytesHashed: number;
    cacheHits: number;
  };
  problems: ScanProblem[];
  seconds: number;
}

export interface GitObjectStats {
  looseObjects: number;
  looseBytes: number;
  packs: number;
  packedObjects: number;
  packBytes: number;
  garbageBytes: number;
  /** looseBytes + packBytes + garbageBytes. */
  totalBytes: number;
}

export interface GitBlob {
  sha: string;
  /** A path the blob had in history (the first one rev-list names). */
  path: string;
  sizeBytes: number;
}

export interface GitRepoReport {
  /** The work tree (or the repository folder for a bare repository). */
  path: string;
  gitDir: string;
  objects: GitObjectStats;
  /** Objects reachable from no ref, reflog entry or the index: what `git gc --prune=now` deletes. */
  unreachable: { objects: number; diskBytes: number };
  /**
   * Objects reachable only from reflogs or the index: `git gc --prune=now` keeps them, except those whose reflog
   * entries are older than gc.reflogExpireUnreachable (30 days by default), which gc expires first.
   */
  reflogOrIndexOnly: { objects: number; diskBytes: number };
  largestBlobs: GitBlob[];
  refs: number;
  /** Human-readable warnings for the view (e.g. "2.1 GB of unreachable objects"). */
  warnings: string[];
  error?: string;
}

export interface GitScanResult {
  repos: GitRepoReport[];
  problems: ScanProblem[];
  seconds: number;
}

export interface GitGcResult {
  path: string;
  before: GitObjectStats;
  after: GitObjectStats;
  /** Every ref (and HEAD) with the commit it resolved to, identical before and after (else the action throws). */
  refsVerified: number;
  freedBytes: number;
  seconds: number;
}

export interface CanonicalizeAction {
  /** The duplicate folder that becomes a link. */
  replace: string;
  /** The copy it will point to. */
  canonical: string;
  sizeBytes: number;
  files: number;
  signature: string;
}

export interface CanonicalizeSkip {
  folder: string;
  reason: string;
}

export interface CanonicalizeResult {
  dryRun: boolean;
  actions: CanonicalizeAction[];
  skipped: CanonicalizeSkip[];
  /** Actions done and verified (0 in a dry run). */
  replaced: number;
  reclaimedBytes: number;
  /** The manifest that `--undo` takes (null in a dry run or when nothing was replaced). */
  manifest: string | null;
  /** Set when the run stopped on an error; everything this run had replaced was put back. */
  rolledBack?: { error: string; restored: number };
  seconds: number;
}

export interface UndoResult {
  manifest: string;
  restored: string[];
  failed: { folder: string; reason: string }[];
  seconds: number;
}

/** Progress of a long job, for a status bar or a progress bar (throttled by the caller's needs). */
export interface DatasetsProgress {
  phase: 'scan' | 'size' | 'partial-hash' | 'full-hash' | 'folders' | 'git' | 'verify' | 'replace';
  done: number;
  total?: number;
  path?: string;
}
