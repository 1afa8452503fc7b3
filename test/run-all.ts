/**
 * `npm test`: every check and every test, in the order a failure is cheapest
 * to find, ending with one line `N passed, N failed, N skipped` that counts
 * real test results (vitest's JSON report), so a run that executed nothing
 * shows as such.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { summarise, summaryLines } from './security/summary';

interface Step {
  name: string;
  cmd: string[];
}

const REPORT = 'var/test-report.json';

const steps: Step[] = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit'] },
  { name: 'lint', cmd: ['npx', 'eslint', '.'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', '.'] },
  { name: 'build', cmd: ['npx', 'wxt', 'build'] },
  { name: 'build firefox', cmd: ['npx', 'wxt', 'build', '-b', 'firefox', '--mv3'] },
  { name: 'store zips', cmd: ['npm', 'run', 'zip'] },
];

function run(cmd: string[]): number {
  const [bin, ...args] = cmd as [string, ...string[]];
  return spawnSync(bin, args, { stdio: 'inherit' }).status ?? 1;
}

mkdirSync('var', { recursive: true });
rmSync(REPORT, { force: true });

const failedSteps = steps.filter((step) => {
  console.log(`\n── ${step.name}: ${step.cmd.join(' ')}`);
  return run(step.cmd) !== 0;
});

console.log(
  '\n── tests: vitest run (unit, security, e2e, security-browser, firefox, packaging,' +
    ' interop)',
);
const extra = process.argv.slice(2);
run([
  'npx',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${REPORT}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: {
      status: string;
      assertionResults: { title: string; status: string }[];
    }[];
  };
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A test file that failed outside its tests (failed to load, or a hook
  // failed) has no failed test to count; count it as one failure.
  failed += report.testResults.filter(
    (f) =>
      f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  const results = report.testResults.flatMap((f) => f.assertionResults);
  console.log(`\n${summaryLines(summarise(results)).join('\n')}`);
} catch {
  console.error('no test report was written');
  failed += 1;
}

for (const step of failedSteps) console.error(`check failed: ${step.name}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedSteps.length > 0 || passed === 0 ? 1 : 0);
