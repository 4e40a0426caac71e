/**
 * Runs one ODM run in its own process so a test can SIGKILL it mid-run, as a crash of the app would.
 * argv: <project dir> <task row id> <image>. Prints `STARTED <run id>` once ODM is working.
 */
import { listOdmRuns } from '../../src-main/db/odm-runs.ts';
import { runOdm } from '../../src-main/odm/service.ts';
import { openProject } from '../../src-main/project/project.ts';

const [dir, task, image] = process.argv.slice(2) as [string, string, string];
const project = openProject(dir);
let said = false;
await runOdm(project, Number(task), { image, gpu: 'off', cpus: 1 }, {
  onLog: (line) => {
    if (!said && line.includes('Running dataset stage')) {
      said = true;
      process.stdout.write(`STARTED ${listOdmRuns(project.db, Number(task))[0]!.id}\n`);
    }
  },
}).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
