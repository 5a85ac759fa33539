// The `rubato` command-line interface: everything the server does, headless.

import { Command, CommanderError } from 'commander';
import { MidiReadError } from '../midi/errors';
import { CliError, EXIT } from './errors';
import { runHumanize, type HumanizeArgs } from './humanizeCommand';
import { runInspect } from './inspectCommand';
import { runEval, type EvalArgs } from './evalCommand';
import { runDatasetBuild } from './datasetCommand';
import { registerDatasetsCommands } from './datasetsCommand';
import { runRoundtrip } from './roundtripCommand';
import { runAlign } from './alignCommand';
import { runExport, runTrain, type TrainArgs } from './trainCommand';
import { runRunsList, runRunsLog, runRunsResume, runRunsStop } from './runsCommand';
import { runTune } from './tuneCommand';
import { registerGpuCommands } from './gpuCommand';
import { runNormalize, type NormalizeArgs } from './normalizeCommand';

const out = (line: string): void => void process.stdout.write(line + '\n');

export function buildProgram(): Command {
  const program = new Command('rubato')
    .description('Humanize, normalize and evaluate expressive piano MIDI.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('humanize')
    .description('turn a (deadpan) score MIDI into an expressive performance MIDI')
    .argument('<in.mid>', 'score MIDI file')
    .option('-o, --output <out.mid>', 'output file (default: <name>.humanized.mid beside the input)')
    .option('--method <method>', 'model | rules | jitter (default: model when a bundled model is installed, else rules)')
    .option('--style <key=value,…>', 'style descriptors: rubato, dynamics, articulation, pedal, tempo')
    .option('--seed <N>', 'random seed (rules chord spread, jitter)', '0')
    .option('--model <file.onnx>', 'model for --method model (default: the bundled one)')
    .option('--strength <0..1>', 'for --method model: 0 = the deadpan score, 1 = the full prediction', '1')
    .option('--pedal-threshold <0..1>', 'for --method model: predicted pedal at or above this puts the pedal down', '0.5')
    .option('--normalize', 'clean quantization noise first with the bundled normalizer, in memory (the input is never changed)')
    .option('--force', 'replace an existing output file (never the input)')
    .option('--json', 'print a JSON summary')
    .action((input: string, o: Omit<HumanizeArgs, 'input'>) => runHumanize({ input, ...o }, out));

  program
    .command('normalize')
    .description('remove quantization noise: per bar keep or one anchored timing edit, then snap to the grid (pitches and notes never change)')
    .argument('<in.mid>', 'rough MIDI file')
    .option('-o, --output <out.mid>', 'output file (default: <name>.normalized.mid beside the input)')
    .option('--method <method>', 'model (the edit model, then snap) | snap (snap-to-grid only)', 'model')
    .option('--model <file.onnx>', 'normalizer model (default: the bundled one)')
    .option('--no-snap', 'apply the edits only, without snapping onsets to the grid')
    .option('--force', 'replace an existing output file (never the input)')
    .option('--json', 'print a JSON summary with every edit')
    .action(async (input: string, o: Omit<NormalizeArgs, 'input'>) => runNormalize({ input, ...o }, out));

  program
    .command('inspect')
    .description('show what a MIDI file holds: notes, tempo map, signatures, pedal, warnings')
    .argument('<file.mid>')
    .option('--json', 'print JSON')
    .action((file: string, o: { json?: boolean }) => runInspect(file, !!o.json, out));

  program
    .command('eval')
    .description('humanize every score under --data and score it against every human performance')
    .requiredOption('--data <dir>', 'corpus folder in the ASAP layout')
    .option('--method <method>', 'rules | jitter | model', 'rules')
    .option('--model <file.onnx>', 'model for --method model, or the normalizer with --normalizer (default: the bundled one)')
    .option('--strength <0..1>', 'for --method model', '1')
    .option('--flatten-velocity', 'humanize the scores with every velocity set to 64 (dead-flat input)')
    .option('--style <key=value,…>', 'style descriptors for the humanizer')
    .option('--seed <N>', 'random seed', '0')
    .option('--split <split>', 'all | train | val | test (by piece group, as the dataset cache)', 'all')
    .option('--windows <w,…>', 'smoothing windows for the correlations', '1,8,32')
    .option('--expression-window <w>', 'window of the expression score', '8')
    .option('--normalizer', 'evaluate the MIDI normalizer instead: noisy versions of the scores vs no-op and snap-to-grid')
    .option('--versions <N>', 'for --normalizer: noisy versions per score', '2')
    .option('--json', 'print one JSON object (see README)')
    .action(async (o: EvalArgs) => {
      exitCode = await runEval(o, out);
    });

  program
    .command('align')
    .description('align every performance to its score; matched %, deletions, insertions, unlinked notes and the corpus figure')
    .requiredOption('--data <dir>', 'corpus folder in the ASAP layout')
    .option('--filter <text>', 'only score folders whose id contains this text')
    .option('--json', 'print JSON')
    .action((o: { data: string; filter?: string; json?: boolean }) => {
      exitCode = runAlign(o, out);
    });

  program
    .command('roundtrip')
    .description('check that score + extracted targets reproduce every aligned performed note (onset within 1 ms, velocity exact)')
    .requiredOption('--data <dir>', 'corpus folder in the ASAP layout')
    .option('--sample <N>', 'check an evenly spread sample of N performances')
    .option('--json', 'print JSON')
    .action((o: { data: string; sample?: string; json?: boolean }) => {
      exitCode = runRoundtrip(o, out);
    });

  program
    .command('train')
    .description('train PerformanceNet from a run spec (*.run.toml), or run an external spec\'s command, as a supervised run (see `rubato runs`)')
    .requiredOption('--spec <file>', 'run spec')
    .option('--resume', 'continue the run from its latest checkpoint')
    .option('--detach', 'start (or queue) the run and return; it goes on in the background')
    .option('--grace <seconds>', 'after Ctrl-C, how long the run may take to checkpoint before it is killed', '30')
    .option('--json', 'with --detach: print {"run": …}')
    .option('--python <path>', 'interpreter that imports torch (default: RUBATO_PYTHON, then python3 / python on PATH)')
    .action(async (o: TrainArgs) => {
      exitCode = await runTrain(o, out);
    });

  const runs = program
    .command('runs')
    .description('supervised runs (state folder: RUBATO_STATE_DIR or ~/.local/state/rubato) and other training processes')
    .option('--json', 'print one JSON object (see README)')
    .option('--no-others', 'do not look for training processes Rubato did not start')
    .action(async (o: { json?: boolean; others?: boolean }) => {
      exitCode = await runRunsList(o, out);
    });
  runs
    .command('stop')
    .description('stop a run: SIGINT (the trainer checkpoints), then the whole process tree is killed after its grace period')
    .argument('<id>')
    .option('--no-wait', 'return once SIGINT is sent')
    .option('--force', 'kill the whole run now')
    .option('--json', 'print {"run": …}')
    .action(async (id: string, o: { wait?: boolean; force?: boolean; json?: boolean }) => {
      // `runs` has its own --json, which commander gives to it wherever it is written.
      exitCode = await runRunsStop(id, { ...o, json: o.json || runs.opts<{ json?: boolean }>().json }, out);
    });
  runs
    .command('resume')
    .description('queue an ended run again (the trainer continues from its latest checkpoint; a command starts again)')
    .argument('<id>')
    .option('--json', 'print {"run": …}')
    .action((id: string, o: { json?: boolean }) => {
      exitCode = runRunsResume(id, { json: o.json || runs.opts<{ json?: boolean }>().json }, out);
    });
  runs
    .command('log')
    .description("print the end of a run's combined stdout/stderr log")
    .argument('<id>')
    .option('-n, --lines <N>', 'lines to print', '50')
    .option('-f, --follow', 'keep printing until the run ends')
    .action(async (id: string, o: { lines?: string; follow?: boolean }) => {
      exitCode = await runRunsLog(id, o, out);
    });

  program
    .command('tune')
    .description('time micro-batch x grad checkpointing settings and pick the fastest under a memory cap (keeps the effective batch)')
    .requiredOption('--spec <file>', 'run spec')
    .option('--batches <list>', 'micro-batch sizes to try, comma-separated (default 4,8,16,32)')
    .option('--steps <N>', 'timed optimizer steps per setting (default 5)')
    .option('--write', "write the chosen setting into the spec's [batch] table")
    .option('--python <path>', 'interpreter that imports torch')
    .action(async (o: { spec: string; batches?: string; steps?: string; write?: boolean; python?: string }) => {
      exitCode = await runTune(o);
    });

  program
    .command('export')
    .description('export a checkpoint (or a run folder: its best checkpoint) to ONNX for the model humanizer')
    .argument('<checkpoint>', 'checkpoint or run folder')
    .requiredOption('-o, --output <model.onnx>', 'output file')
    .option('--goldens <dir>', 'also write PyTorch golden inputs/outputs for parity tests')
    .option('--force', 'replace an existing output file')
    .option('--python <path>', 'interpreter that imports torch')
    .action(async (checkpoint: string, o: { output: string; goldens?: string; force?: boolean; python?: string }) => {
      exitCode = await runExport({ checkpoint, ...o });
    });

  const dataset = program.command('dataset').description('training data cache');
  dataset
    .command('build')
    .description('parse, align and write features/targets as .npy arrays plus manifest.json (incremental)')
    .requiredOption('--data <dir>', 'corpus folder in the ASAP layout')
    .requiredOption('--out <dir>', 'cache folder (created; an existing one must be a Rubato cache)')
    .action(async (o: { data: string; out: string }) => {
      exitCode = await runDatasetBuild(o, out);
    });

  registerDatasetsCommands(program, out, (code) => (exitCode = code));

  registerGpuCommands(program, out, (code) => (exitCode = code));

  return program;
}

/** Set by commands that finish normally but with a non-zero status (e.g. nothing evaluated). */
let exitCode: number = EXIT.ok;

export async function main(argv: string[]): Promise<number> {
  try {
    exitCode = EXIT.ok;
    await buildProgram().parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`rubato: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof MidiReadError) {
      process.stderr.write(`rubato: ${err.message}\n`);
      return EXIT.input;
    }
    process.stderr.write(`rubato: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.internal;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    () => (process.exitCode = EXIT.internal),
  );
}
