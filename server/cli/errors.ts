// CLI exit codes and the error type that carries one. Documented in README.md ("Exit codes").

export const EXIT = {
  ok: 0,
  /** An unexpected internal error (a bug): the message asks for a report. */
  internal: 1,
  /** Bad command-line usage: unknown option, bad value, missing argument. */
  usage: 2,
  /** An input file could not be read or is not valid (MIDI, match, annotations, data folder). */
  input: 3,
  /** The output could not be written, or writing would overwrite something that must be kept. */
  output: 4,
  /** The command ran but produced nothing usable (e.g. no performance could be evaluated or built). */
  nothingDone: 5,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
