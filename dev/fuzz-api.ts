import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provision } from '../examples/provision.js';
import { junitCounts } from './fuzz-report.js';
import { startLocalStack } from './local-stack.js';
import { PROJECT_ROOT, provisionFuzzTools, ToolsError } from './provision-tools.js';

/**
 * `npm run fuzz:api`: starts a throwaway stack (API + worker + Temporal + PostgreSQL + TeleSign simulator) on
 * 127.0.0.1, provisions a channel through the public API (so the fuzzer meets real rows, not only 404s), then runs
 * Schemathesis against /api/v1/openapi.json as an agent and as the admin, and stops everything.
 * Fails (exit 1) on any 5xx and any answer the document does not describe (status, content type, body, headers).
 *
 * FUZZ_MAX_TIME: fuzzing seconds in all (default 90: with start-up, three fuzzer starts and shutdown the step stays under 3 minutes).
 * FUZZ_CHECKS: Schemathesis checks (default FUZZ_CHECKS below; `all` for every check it has).
 * FUZZ_SEED: Schemathesis seed, for replaying a failure. FUZZ_REPORT_DIR: where the JUnit reports go.
 */

export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
] as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function runFuzzer(bin: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd, // Schemathesis keeps a .schemathesis/ cache in its working directory
      stdio: 'inherit',
      env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: process.env.NO_COLOR ?? '1' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const maxTime = Number(process.env.FUZZ_MAX_TIME ?? 90);
  const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
  const reportDir = process.env.FUZZ_REPORT_DIR ?? join(PROJECT_ROOT, '.scratch', 'fuzz-api');
  const tools = provisionFuzzTools({ log: (m) => console.log(m) });
  mkdirSync(reportDir, { recursive: true });

  const dataDir = mkdtempSync(join(tmpdir(), 'smsdesk-fuzz-'));
  // Run as root, embedded PostgreSQL initialises as its own user, which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  const [apiPort, temporalPort, postgresPort, simulatorPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  console.log(`== starting a throwaway stack in ${dataDir}`);
  const stack = await startLocalStack({
    dataDir,
    temporalPort,
    temporalUiPort: null,
    postgresPort,
    log: () => {},
    env: {
      ...process.env,
      DATABASE_URL: undefined,
      TEMPORAL_ADDRESS: undefined,
      TELESIGN_BASE_URL: undefined,
      BOOTSTRAP_ADMIN_TOKEN: undefined,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      SIMULATOR_PORT: String(simulatorPort),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
      // The fuzzer sends thousands of requests a minute from one address and token: limits this low would leave most
      // operations answering 429 and their logic untested (the limits have their own tests).
      API_RATE_LIMIT_PER_MINUTE: process.env.API_RATE_LIMIT_PER_MINUTE ?? '1000000',
      AUTH_FAILURE_LIMIT: process.env.AUTH_FAILURE_LIMIT ?? '1000000',
      ATTACHMENT_LINK_RATE_PER_MINUTE: process.env.ATTACHMENT_LINK_RATE_PER_MINUTE ?? '1000000',
    },
  });
  const stop = async (signal: string) => {
    console.error(`${signal}: stopping the fuzz stack`);
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(1);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  try {
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const adminToken = stack.adminToken!;
    const seeded = await provision({
      baseUrl,
      token: adminToken,
      customerId: readFileSync(join(dataDir, 'simulator-customer-id'), 'utf8').trim(),
      apiKey: readFileSync(join(dataDir, 'simulator-api-key'), 'utf8').trim(),
      number: '14252306549',
      restEndpoint: stack.config.TELESIGN_BASE_URL,
    });
    console.log(`== seeded account ${seeded.accountId}, queue ${seeded.queueId}, agent ${seeded.agentId}`);

    // Order matters: the agent first, then the admin without the two operations that change credentials or roles
    // (the admin would soon rotate or demote itself and fuzz the rest unauthenticated), then those two alone.
    const credentialOps = ['rotateAgentToken', 'updateAgent'];
    const passes = [
      { name: 'agent', token: seeded.agentToken, share: 0.4, filter: [] as string[] },
      {
        name: 'admin',
        token: adminToken,
        share: 0.45,
        filter: credentialOps.flatMap((o) => ['--exclude-operation-id', o]),
      },
      {
        name: 'admin-credentials',
        token: adminToken,
        share: 0.15,
        filter: credentialOps.flatMap((o) => ['--include-operation-id', o]),
      },
    ];
    let failed = 0;
    for (const pass of passes) {
      const seconds = Math.max(5, Math.round(maxTime * pass.share));
      const report = join(reportDir, `${pass.name}.xml`);
      rmSync(report, { force: true });
      console.log(`\n== schemathesis as ${pass.name} (max ${seconds} s, seed ${seed})`);
      const code = await runFuzzer(
        tools.schemathesis,
        [
          'run',
          `${baseUrl}/api/v1/openapi.json`,
          '--header',
          `Authorization: Bearer ${pass.token}`,
          '--checks',
          process.env.FUZZ_CHECKS ?? FUZZ_CHECKS.join(','),
          '--max-time',
          String(seconds),
          '--seed',
          seed,
          '--workers',
          '2',
          // A Server-Sent Events stream never ends, so a fuzzer cannot read its answer; test/api/events covers it.
          '--exclude-operation-id',
          'streamEvents',
          ...pass.filter,
          '--request-timeout',
          '30',
          '--report',
          'junit',
          '--report-junit-path',
          report,
          ...(process.env.FUZZ_EXTRA_ARGS ? process.env.FUZZ_EXTRA_ARGS.split(' ') : []),
        ],
        reportDir,
      );
      const counts = existsSync(report) ? junitCounts(readFileSync(report, 'utf8')) : null;
      if (!counts || Number.isNaN(counts.failures)) {
        console.log(`no readable JUnit report from Schemathesis (exit ${code}): counted as failed`);
        failed++;
      } else if (counts.failures > 0) {
        failed++;
      } else if (code !== 0) {
        console.log(
          `Schemathesis exited ${code} with ${counts.errors} internal error(s) and no finding: not counted against the API`,
        );
      }
    }
    console.log(failed ? `\nfuzz:api FAILED in ${failed} of ${passes.length} passes` : '\nfuzz:api clean');
    return failed ? 1 : 0;
  } finally {
    console.log('== stopping the fuzz stack');
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  process.exit(await main());
} catch (err) {
  console.error(err instanceof ToolsError ? err.message : err);
  process.exit(1);
}
