// Prints the interpreter that imports torch (used by the test runner); exits 1 with the reason if none.
import { findPython } from '../server/python/discover';

try {
  process.stdout.write(findPython().executable + '\n');
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
