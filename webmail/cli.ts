/**
 * Runs the reference webmail from the command line:
 *
 *   npx tsx webmail/cli.ts [--data DIR] [--http-port 8080] [--smtp-port 2525]
 *
 * With the two seeded accounts (alice and bob @ecosmail.test); mail stays in DIR
 * (default var/webmail) between runs. Ctrl-C or SIGTERM stops it cleanly.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLogger } from './log.ts';
import { startWebmail } from './server.ts';

const USAGE = 'usage: tsx webmail/cli.ts [--data DIR] [--http-port N] [--smtp-port N]';

/** Reads a port option: an integer from 0 (any free port) to 65535. */
function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`--${name}: expected a port from 0 to 65535, got ${value}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      'http-port': { type: 'string' },
      'smtp-port': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const webmail = await startWebmail({
    dataDir: resolve(values.data ?? 'var/webmail'),
    httpPort: port(values['http-port'], 8080, 'http-port'),
    smtpPort: port(values['smtp-port'], 2525, 'smtp-port'),
    logger: consoleLogger(true),
  });
  console.log(`EcosMail webmail  ${webmail.url}`);
  console.log(`SMTP              127.0.0.1:${webmail.smtpPort}`);
  console.log(`Mail stored in    ${webmail.dataDir}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    webmail.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('could not stop cleanly:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(1);
});
