// The run-spec schema: every section and key the trainer accepts (native/rubato_native/config.py), with
// types, defaults, ranges, choices and docs. The one TypeScript source of truth; a test compares it with config.py.

/**
 * How a value is checked, mirroring config.py's `_check_type` by the type of the field's default.
 * The last four are only in external specs (externalSchema.ts), which config.py never reads.
 */
export type KeyKind = 'int' | 'float' | 'optionalFloat' | 'bool' | 'string' | 'path' | 'betas' | 'optionalInt' | 'command' | 'env' | 'patterns';

export type KeyDefault = number | boolean | string | readonly [number, number] | null;

export interface KeySpec {
  kind: KeyKind;
  /** The default when the key is absent; `null` for "no limit", `''` for a required path. */
  default: KeyDefault;
  /** Lower bound; `minExclusive` makes it strict (config.py RANGES). */
  min?: number;
  minExclusive?: boolean;
  /** Upper bound, always inclusive. */
  max?: number;
  choices?: readonly string[];
  required?: boolean;
  /** Markdown, shown on hover and in completion. */
  doc: string;
}

export interface SectionSpec {
  doc: string;
  keys: Readonly<Record<string, KeySpec>>;
}

export const SPEC_SCHEMA: Readonly<Record<string, SectionSpec>> = {
  model: {
    doc: 'PerformanceNet size: a pre-norm Transformer encoder over the notes of a window.',
    keys: {
      d_model: { kind: 'int', default: 128, min: 2, max: 8192, doc: 'Width of every note embedding. Must be even (sinusoidal positions) and divisible by `n_heads`.' },
      n_layers: { kind: 'int', default: 2, min: 1, max: 64, doc: 'Number of Transformer encoder layers.' },
      n_heads: { kind: 'int', default: 4, min: 1, max: 256, doc: 'Attention heads per layer; must divide `d_model`.' },
      ff_mult: { kind: 'int', default: 4, min: 1, max: 64, doc: 'Feed-forward width as a multiple of `d_model`.' },
      dropout: { kind: 'float', default: 0.1, min: 0, max: 0.9, doc: 'Dropout in attention and feed-forward. Attention dropout is expensive on CPU.' },
    },
  },
  data: {
    doc: 'The dataset cache (`rubato dataset build`) and how pieces are cut into windows.',
    keys: {
      cache: { kind: 'path', default: '', required: true, doc: 'Dataset cache folder. Relative paths are relative to this spec file.' },
      window: { kind: 'int', default: 512, min: 2, max: 65536, doc: 'Notes per training window (the sequence length).' },
      overlap: { kind: 'int', default: 64, min: 0, doc: 'Notes shared by consecutive windows; must be smaller than `window`.' },
    },
  },
  optimizer: {
    doc: 'AdamW.',
    keys: {
      lr: { kind: 'float', default: 3e-4, min: 0, minExclusive: true, max: 1, doc: 'Peak learning rate (after warmup).' },
      weight_decay: { kind: 'float', default: 0.01, min: 0, max: 10, doc: 'Decoupled weight decay.' },
      betas: { kind: 'betas', default: [0.9, 0.98], doc: 'AdamW `[beta1, beta2]`, each in [0, 1).' },
    },
  },
  batch: {
    doc: 'Windows per step. The effective batch is ranks × `micro_batch` × `grad_accum` windows.',
    keys: {
      micro_batch: { kind: 'int', default: 16, min: 1, max: 65536, doc: 'Windows per forward/backward pass: what must fit in memory.' },
      grad_accum: { kind: 'int', default: 1, min: 1, max: 65536, doc: 'Micro-batches accumulated per optimizer step.' },
      grad_checkpointing: { kind: 'bool', default: false, doc: 'Recompute each layer in backward instead of storing its activations: less memory, about 30 % slower.' },
    },
  },
  precision: {
    doc: 'Numeric precision of the forward pass (weights and optimizer state stay fp32).',
    keys: {
      mode: { kind: 'string', default: 'auto', choices: ['auto', 'fp32', 'bf16', 'fp16'], doc: '`auto`: bf16 where supported (Ampere+ GPUs, CPUs with native bf16), fp16 with loss scaling on older GPUs, else fp32.' },
    },
  },
  schedule: {
    doc: 'Learning-rate schedule: linear warmup, then cosine decay or constant.',
    keys: {
      warmup_steps: { kind: 'int', default: 100, min: 0, doc: 'Optimizer steps of linear warmup; at most `max_steps`.' },
      max_steps: { kind: 'int', default: 2000, min: 1, doc: 'Optimizer steps of the whole run.' },
      cosine: { kind: 'bool', default: true, doc: 'Cosine decay after warmup (else a constant rate).' },
    },
  },
  eval: {
    doc: 'Validation during training; the best checkpoint is chosen by expression score.',
    keys: {
      every_steps: { kind: 'int', default: 200, min: 1, doc: 'Evaluate every this many steps (and at the last step).' },
      window: { kind: 'int', default: 8, min: 1, max: 4096, doc: 'Smoothing window of the expression score (velocity r + rubato r) / 2.' },
    },
  },
  budget: {
    doc: 'Limits of one invocation; a resumed run gets a fresh budget.',
    keys: {
      max_minutes: { kind: 'optionalFloat', default: null, min: 0, minExclusive: true, doc: 'Stop cleanly (with a checkpoint) after this many minutes. Absent: no limit.' },
    },
  },
  device: {
    doc: 'Where training runs.',
    keys: {
      device: { kind: 'string', default: 'auto', choices: ['auto', 'cpu', 'cuda'], doc: '`auto`: CUDA when available, else the CPU.' },
      cpu_threads: { kind: 'int', default: 2, min: 1, max: 1024, doc: 'Torch threads (per rank under torchrun).' },
    },
  },
  run: {
    doc: 'The run folder and seed.',
    keys: {
      out: { kind: 'path', default: '', required: true, doc: 'Run folder (checkpoints, `metrics.jsonl`, `status.json`). Relative paths are relative to this spec file.' },
      seed: { kind: 'int', default: 0, min: 0, max: 2 ** 31 - 1, doc: 'Seed of data order, initialisation and dropout.' },
    },
  },
};

export const SECTION_NAMES: readonly string[] = Object.keys(SPEC_SCHEMA);

export function keySpec(section: string, key: string): KeySpec | undefined {
  const s = SPEC_SCHEMA[section];
  return s && Object.prototype.hasOwnProperty.call(s.keys, key) ? s.keys[key] : undefined;
}

/** Human text for a key's type, as config.py words it in its errors. */
export function kindText(kind: KeyKind): string {
  switch (kind) {
    case 'int': return 'an integer';
    case 'float': return 'a number';
    case 'optionalFloat': return 'a number';
    case 'bool': return 'true or false';
    case 'string': return 'a string';
    case 'path': return 'a non-empty path string';
    case 'betas': return 'a list of two numbers';
    case 'optionalInt': return 'an integer';
    case 'command': return 'a non-empty list of strings';
    case 'env': return 'a table of strings';
    case 'patterns': return 'a list of tables ([[metrics.pattern]])';
  }
}

/** The default as TOML text (for completion and docs); `undefined` when there is none to write. */
export function defaultToml(spec: KeySpec): string | undefined {
  const d = spec.default;
  if (d === null || d === '') return undefined;
  if (typeof d === 'string') return JSON.stringify(d);
  if (typeof d === 'number') return formatTomlNumber(d, spec.kind);
  if (typeof d === 'boolean') return String(d);
  return `[${d.map((x) => formatTomlNumber(x, 'float')).join(', ')}]`;
}

function formatTomlNumber(x: number, kind: KeyKind): string {
  if (kind === 'int') return String(x);
  const s = String(x);
  // A float field may be written as an integer in TOML, but `0.1` reads better than `1e-1`.
  return s.includes('e') || s.includes('.') ? s : `${s}.0`;
}
