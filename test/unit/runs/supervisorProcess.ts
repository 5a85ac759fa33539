// A supervisor in its own Node process, for the persistence test: starts the plan given as JSON in argv,
// prints {"id": …} then one line per metrics notification, and keeps tailing until it is killed.

import { METRICS_PARSERS } from '../../../server/runs/metricsParsers';
import { RunSupervisor } from '../../../server/runs/supervisor';

const [stateDir, planJson] = process.argv.slice(2);
if (!stateDir || !planJson) throw new Error('usage: supervisorProcess <stateDir> <plan.json>');
const sup = new RunSupervisor({ stateDir, planFromSpec: () => { throw new Error('plans only'); }, parsers: METRICS_PARSERS, pollMs: 50 });
sup.on('metricsAppended', (m) => process.stdout.write(JSON.stringify({ rows: m.rows.map((r) => r.step) }) + '\n'));
const run = sup.start(JSON.parse(planJson), { trusted: true });
process.stdout.write(JSON.stringify({ id: run.id }) + '\n');
