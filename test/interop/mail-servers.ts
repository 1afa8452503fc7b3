/**
 * A real mail setup from Debian packages, on loopback only, in a temporary
 * directory: Postfix as the MTA between the two domains, Dovecot for the
 * Delta Chat domain's mailboxes (IMAP, LMTP delivery, and the SASL checks
 * Postfix asks it for when Delta Chat submits).
 *
 *   webmail (ecosmail.test) ──relay──▶ Postfix ──LMTP──▶ Dovecot ◀──IMAP── Delta Chat
 *   webmail ◀──SMTP── Postfix ◀──SMTP AUTH (submission)── Delta Chat
 *
 * Every daemon listens on 127.0.0.1 and on ports picked free at start; nothing
 * looks up DNS (next hops are bracketed IP addresses). Everything started is
 * stopped by {@link MailServers.stop}, by the instances' own stop commands and
 * then by the PIDs they wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The Debian binaries the setup runs. */
const BINARIES = ['/usr/sbin/postfix', '/usr/sbin/dovecot', '/usr/bin/doveadm'];

/**
 * Why the setup cannot run here, or undefined when it can: the packages
 * (`postfix dovecot-imapd dovecot-lmtpd`, installed by `.ci/run`) and root,
 * which Postfix's master process needs.
 */
export function mailServersUnavailable(): string | undefined {
  const missing = BINARIES.filter((bin) => !existsSync(bin));
  if (missing.length > 0) {
    const packages = 'postfix dovecot-imapd dovecot-lmtpd';
    return `missing ${missing.join(', ')}: apt-get install ${packages}`;
  }
  if (userInfo().uid !== 0) return 'Postfix and Dovecot instances need root';
  return undefined;
}

/** A mailbox on the Dovecot side. */
export interface MailUser {
  addr: string;
  password: string;
}

/** How to start the setup. */
export interface MailServerOptions {
  /** The domain whose mail goes to the reference webmail's SMTP port. */
  webmailDomain: string;
  webmailSmtpPort: number;
  /** The domain whose mailboxes Dovecot keeps. */
  mailboxDomain: string;
  users: MailUser[];
}

/** The running setup. */
export interface MailServers {
  dir: string;
  /** Postfix: accepts mail for both domains, and submissions with SMTP AUTH. */
  smtpPort: number;
  /** Dovecot IMAP (plain, no TLS: loopback only). */
  imapPort: number;
  /** Postfix's log, for the test's failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port bound');
  return address.port;
}

/** Three free ports, none of them twice and none in `taken`. */
async function distinctFreePorts(taken: number[]): Promise<[number, number, number]> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePort();
    if (!ports.includes(port) && !taken.includes(port)) ports.push(port);
  }
  return ports as [number, number, number];
}

/**
 * Starts Dovecot, then Postfix.
 *
 * @throws {Error} when either fails to start (with its log); what did start is
 *   stopped first
 */
export async function startMailServers(opts: MailServerOptions): Promise<MailServers> {
  const dir = mkdtempSync(join(tmpdir(), 'ecosmail-mta-'));
  // The daemons' own users (postfix, dovecot, nobody) must reach their files.
  chmodSync(dir, 0o755);
  const [imapPort, lmtpPort, smtpPort] = await distinctFreePorts([opts.webmailSmtpPort]);

  const dovecot = writeDovecotConfig(dir, opts, imapPort, lmtpPort);
  const postfix = writePostfixConfig(dir, opts, smtpPort, lmtpPort, dovecot.authSocket);

  const stop = async () => {
    stopPostfix(postfix.confDir, postfix.pidFile);
    stopDovecot(dovecot.conf, dovecot.pidFile);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    run('/usr/sbin/dovecot', ['-c', dovecot.conf], dovecot.log);
    run('/usr/sbin/postfix', ['-c', postfix.confDir, 'start'], postfix.log);
    await waitForPort(imapPort, dovecot.log);
    await waitForPort(smtpPort, postfix.log);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    dir,
    smtpPort,
    imapPort,
    log: () => readIfThere(postfix.log),
    stop,
  };
}

function writeDovecotConfig(
  dir: string,
  opts: MailServerOptions,
  imapPort: number,
  lmtpPort: number,
) {
  const base = join(dir, 'dovecot');
  const mail = join(base, 'mail');
  for (const sub of ['run', 'state', 'mail'])
    mkdirSync(join(base, sub), { recursive: true });
  // Mail is stored as `nobody`: an unprivileged uid that exists on every Debian.
  chownSync(mail, 65534, 65534);

  const users = join(base, 'users');
  writeFileSync(
    users,
    opts.users.map((u) => `${u.addr}:{PLAIN}${u.password}\n`).join(''),
  );
  const authSocket = join(base, 'auth-postfix');
  const log = join(base, 'dovecot.log');
  const conf = join(base, 'dovecot.conf');
  writeFileSync(
    conf,
    `# Written by test/interop/mail-servers.ts; nothing from /etc/dovecot is read.
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${base}/run
state_dir = ${base}/state
instance_name = ecosmail-interop-${process.pid}
log_path = ${log}
# Loopback only: no TLS, plain passwords.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${mail}/%u
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${users}
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
service auth {
  unix_listener ${authSocket} {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@${opts.mailboxDomain}
}
`,
  );
  return { conf, log, authSocket, pidFile: join(base, 'run', 'master.pid') };
}

function writePostfixConfig(
  dir: string,
  opts: MailServerOptions,
  smtpPort: number,
  lmtpPort: number,
  authSocket: string,
) {
  const base = join(dir, 'postfix');
  const confDir = join(base, 'conf');
  const queue = join(base, 'queue');
  const data = join(base, 'data');
  for (const sub of [confDir, queue, data]) mkdirSync(sub, { recursive: true });
  chownSync(data, postfixUid(), 0);
  const log = join(base, 'maillog');

  writeFileSync(
    join(confDir, 'main.cf'),
    `# Written by test/interop/mail-servers.ts; nothing from /etc/postfix is read.
compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.test
mydomain = mta.test
myorigin = mta.test
mydestination =
local_transport = error:no local delivery here
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = ${opts.webmailDomain} ${opts.mailboxDomain}
# Each domain to its server by IP address: no DNS query ever leaves the machine.
transport_maps = inline:{
  ${opts.webmailDomain}=smtp:[127.0.0.1]:${opts.webmailSmtpPort},
  ${opts.mailboxDomain}=lmtp:inet:127.0.0.1:${lmtpPort} }
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${authSocket}
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated
  reject_unauth_destination
# A test waits on delivery: retry within seconds, not minutes.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maillog_file = ${log}
maillog_file_prefixes = ${dir}
biff = no
`,
  );
  const services = [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  writeFileSync(join(confDir, 'master.cf'), services.join('\n') + '\n');
  return { confDir, log, pidFile: join(queue, 'pid', 'master.pid') };
}

function postfixUid(): number {
  return Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
}

/** Runs a start command; a failure throws with the daemon's log. */
function run(bin: string, args: string[], log: string): void {
  const result = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    throw new Error(`${bin} ${args.join(' ')} failed: ${output}\n${readIfThere(log)}`);
  }
}

async function waitForPort(port: number, log: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const ss = spawnSync('ss', ['-Htln', `sport = :${port}`], { encoding: 'utf8' });
    if (ss.stdout.includes(`127.0.0.1:${port}`)) return;
    if (Date.now() > until) {
      throw new Error(`nothing listens on 127.0.0.1:${port}\n${readIfThere(log)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopPostfix(confDir: string, pidFile: string): void {
  if (existsSync(join(confDir, 'main.cf'))) {
    spawnSync('/usr/sbin/postfix', ['-c', confDir, 'stop'], { timeout: 30_000 });
  }
  killLeftover(pidFile, 'master');
}

function stopDovecot(conf: string, pidFile: string): void {
  if (existsSync(pidFile)) {
    spawnSync('/usr/bin/doveadm', ['-c', conf, 'stop'], { timeout: 30_000 });
  }
  killLeftover(pidFile, 'dovecot');
}

/**
 * Kills the master process named in `pidFile` if it is still there and is
 * still that daemon (a stale file may name a PID since reused).
 */
function killLeftover(pidFile: string, command: string): void {
  const pid = Number(readIfThere(pidFile).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  if (readIfThere(`/proc/${pid}/comm`).trim() !== command) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone: the stop command did its job.
  }
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
