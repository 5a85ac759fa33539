// The run-spec schema of an external run: a spec with an [external] section describes someone else's
// training script (a command, its folder and environment) and where its metrics come from ([metrics]).
// Kept apart from SPEC_SCHEMA, which mirrors the trainer's config.py key for key: the trainer never
// reads an external spec, the run supervisor does (through externalRun.ts).

import { METRICS_SOURCE_KINDS } from '../metrics/source';
import { STDOUT_PRESETS } from '../metrics/stdoutPatterns';
import { SPEC_SCHEMA, type KeySpec, type SectionSpec } from './schema';

export const EXTERNAL_SECTION = 'external';

export const EXTERNAL_SCHEMA: Readonly<Record<string, SectionSpec>> = {
  external: {
    doc: "Someone else's training script, run and supervised by Rubato (its own process group, stop, queue, logs). A spec with this section is an external run: the trainer sections ([model], [data], …) do not apply.",
    keys: {
      command: { kind: 'command', default: null, required: true, doc: 'The program and its arguments, as a list: `["python", "train.py", "config/train_shakespeare_char.py"]`. Run directly, not through a shell.' },
      cwd: { kind: 'path', default: '', doc: 'Folder the command runs in. Relative paths are relative to this spec file; default: the spec\'s folder.' },
      env: { kind: 'env', default: null, doc: 'Extra environment variables, a table of strings: `env = { CUDA_VISIBLE_DEVICES = "0" }` or an `[external.env]` section.' },
      gpu: { kind: 'bool', default: true, doc: 'Whether the run takes the GPU queue slot (one GPU run at a time by default). `false` for CPU-only scripts, which then start at once.' },
      total_steps: { kind: 'optionalInt', default: null, min: 1, doc: 'Steps the script will run, for progress and the time-left estimate. Absent: unknown.' },
    },
  },
  metrics: {
    doc: 'Where the run\'s curves come from: regexes over stdout, a JSON-lines file, or TensorBoard event files. All three feed the same metrics stream.',
    keys: {
      source: { kind: 'string', default: 'stdout', choices: METRICS_SOURCE_KINDS, doc: '`"stdout"`: lines the script prints, matched by `preset` or `[[metrics.pattern]]`; `"jsonl"`: a file of JSON objects, one per line; `"tfevents"`: a folder of `events.out.tfevents.*` files.' },
      path: { kind: 'path', default: '', doc: 'For `jsonl`: the file; for `tfevents`: the log folder (searched recursively). Relative to `cwd`.' },
      preset: { kind: 'string', default: '', choices: Object.keys(STDOUT_PRESETS), doc: 'Built-in stdout patterns. `"nanogpt"` reads nanoGPT\'s `iter N: loss L, time Tms, mfu M%` and `step N: train loss A, val loss B` lines.' },
      pattern: { kind: 'patterns', default: null, doc: 'Stdout patterns, each a `[[metrics.pattern]]` table: `regex` (JavaScript syntax) whose named groups are metrics, and `step`, the name of the group holding the step (default `"step"`). Tried in order, after the preset\'s; the first that matches a line wins.' },
      step_key: { kind: 'string', default: '', doc: 'For `jsonl`: the field holding the step (nested fields joined with `/`). Default: the first of `step`, `iter`, `global_step`, `iteration`.' },
      time_key: { kind: 'string', default: '', doc: 'For `jsonl`: the field holding the wall time in seconds. Default: the first of `wall_time`, `time`, `elapsed`.' },
    },
  },
  run: {
    doc: 'The run folder.',
    keys: {
      out: { ...SPEC_SCHEMA.run!.keys.out!, doc: 'Run folder (a copy of this spec, the combined log, `metrics.jsonl`, `status.json`). Relative paths are relative to this spec file.' },
    },
  },
};

/** Fields of one `[[metrics.pattern]]` table. */
export const PATTERN_FIELDS: Readonly<Record<string, KeySpec>> = {
  regex: { kind: 'string', default: '', required: true, doc: 'JavaScript regular expression; each named group `(?<name>…)` other than the step group is a metric called `name`.' },
  step: { kind: 'string', default: 'step', doc: 'Name of the group that holds the step.' },
};

/** Trainer sections, which an external spec must not have ([run] is shared). */
export const TRAINER_ONLY_SECTIONS: readonly string[] = Object.keys(SPEC_SCHEMA).filter((s) => !(s in EXTERNAL_SCHEMA));

/** Whether the spec text describes an external run (it has an [external] table, in any TOML form). */
export function looksExternal(text: string): boolean {
  return /^\s*(?:\[\s*external\s*[.\]]|external\s*[.=])/m.test(text);
}

/** The sections an editor feature should offer for this text: the external ones, or the trainer's. */
export function schemaForText(text: string): Readonly<Record<string, SectionSpec>> {
  return looksExternal(text) ? EXTERNAL_SCHEMA : SPEC_SCHEMA;
}
