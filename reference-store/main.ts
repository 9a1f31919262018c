// Stand-alone reference store:
//   npm run reference-store -- --port 14143 --push-url http://127.0.0.1:14180/push [--push-format nms-json] [--fault NAME]…
// `--help` lists every flag.
import { parseArgs } from 'node:util';
import { FAULTS, startReferenceStore, type PfLoginModel, type PfLoginOptions, type PushFormat } from './index.js';
import { DEMO_ACCOUNTS } from './demo-accounts.js';

const HELP = `Usage: npm run reference-store -- [options]

The embedded CPM reference message store with the demo accounts (reference-store/demo-accounts.ts).

  --port N                 IMAP port (default 14143; 0 = any free port)
  --host ADDR              listen address (default 127.0.0.1)
  --push-url URL           CPM PUSH Enabler endpoint; no PUSH notifications without it
  --push-format FORMAT     reference (default: one JSON status payload per change, fixtures/push/README.md),
                           nms-json (OMA NMS JSON notificationList, events batched, fixtures/push/nms-json/),
                           nms-xml (OMA NMS XML in a cpm:statusNotification wrapper, fixtures/push/nms-xml/)
  --push-batch-ms N        nms-json / nms-xml: batch window after the first event of a batch (default 5)
  --id-key KEY             IMAP ID field a device announces itself with (default +sip.instance), e.g. x-device-id
  --pf-login MODELS        comma list of PF login models: master-user (<user>*<pf>), sasl-authzid
                           (AUTHENTICATE PLAIN authzid=<user> authcid=<pf>), template (see below).
                           Default master-user,sasl-authzid (plus template when --pf-login-template is given)
  --pf-login-template T    per-user PF login name, e.g. '{user}#cpm-pf' ({user}, {pf}), with the PF's password
  --binding header|none    how recorded identities are exposed (default header)
  --no-notify              do not advertise or implement IMAP NOTIFY
  --fault NAME             switch a fault on (repeatable); --list-faults lists them
  --list-faults            print the fault switches and exit
  --quiet                  no log lines
  -h, --help               this text
`;

function fail(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '14143' },
      host: { type: 'string', default: '127.0.0.1' },
      'push-url': { type: 'string' },
      'push-format': { type: 'string', default: 'reference' },
      'push-batch-ms': { type: 'string' },
      'id-key': { type: 'string' },
      'pf-login': { type: 'string' },
      'pf-login-template': { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      binding: { type: 'string', default: 'header' },
      'no-notify': { type: 'boolean', default: false },
      'list-faults': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (values['list-faults']) {
  for (const f of FAULTS) console.log(`${f.name.padEnd(36)} ${f.violates.join(',').padEnd(34)} ${f.description}`);
  process.exit(0);
}
if (values.binding !== 'header' && values.binding !== 'none') fail('--binding must be header or none');
const format = values['push-format'];
if (format !== 'reference' && format !== 'nms-json' && format !== 'nms-xml') fail('--push-format must be reference, nms-json or nms-xml');
const batchMs = values['push-batch-ms'];
if (batchMs !== undefined && !/^\d+$/.test(batchMs)) fail('--push-batch-ms must be a whole number of milliseconds');
const PF_MODELS: readonly string[] = ['master-user', 'sasl-authzid', 'template'];
const pfModels = values['pf-login']?.split(',').map((m) => m.trim()).filter((m) => m !== '');
for (const m of pfModels ?? []) if (!PF_MODELS.includes(m)) fail(`--pf-login: unknown model ${m} (known: ${PF_MODELS.join(', ')})`);
const pfLogin: PfLoginOptions | undefined = pfModels || values['pf-login-template'] !== undefined
  ? {
      ...(pfModels ? { models: pfModels as PfLoginModel[] } : {}),
      ...(values['pf-login-template'] !== undefined ? { template: values['pf-login-template'] } : {}),
    }
  : undefined;

let store;
try {
  store = await startReferenceStore({
    host: values.host,
    port: Number(values.port),
    ...DEMO_ACCOUNTS,
    identityBinding: values.binding,
    notify: !values['no-notify'],
    ...(values['push-url']
      ? { push: { url: values['push-url'], format: format as PushFormat, ...(batchMs !== undefined ? { batchWindowMs: Number(batchMs) } : {}) } }
      : {}),
    ...(values['id-key'] !== undefined ? { imapIdKey: values['id-key'] } : {}),
    ...(pfLogin ? { pfLogin } : {}),
    faults: values.fault,
    log: values.quiet ? undefined : (line) => console.log(`[store] ${line}`),
  });
} catch (err) {
  fail((err as Error).message);
}

const idKey = values['id-key'] ?? '+sip.instance';
const models = new Set(pfModels ?? ['master-user', 'sasl-authzid', ...(values['pf-login-template'] !== undefined ? ['template'] : [])]);
console.log(`CPM reference message store on ${store.imapUrl}`);
console.log(`capabilities: ${store.capabilities.join(' ')}`);
console.log(`push: ${values['push-url'] ?? '(none)'} (${format})   faults: ${store.faults.join(', ') || '(none)'}   binding: ${values.binding}`);
console.log(`accounts (login forms: <user> with IMAP ID ("${idKey}" "<device id>"), <user>#<device id>):`);
for (const u of DEMO_ACCOUNTS.users) {
  console.log(`  ${u.name} / ${u.password}`);
  for (const d of u.devices) console.log(`    ${u.name}#${d.id} / ${d.password ?? u.password}`);
}
if (DEMO_ACCOUNTS.pf) {
  const pf = DEMO_ACCOUNTS.pf;
  if (models.has('master-user')) console.log(`  PF: alice*${pf.name} / ${pf.password}`);
  if (models.has('sasl-authzid')) console.log(`  PF: AUTHENTICATE PLAIN authzid=alice authcid=${pf.name} / ${pf.password}`);
  if (models.has('template')) {
    console.log(`  PF: ${values['pf-login-template']!.replaceAll('{user}', 'alice').replaceAll('{pf}', pf.name)} / ${pf.password}`);
  }
  if (models.size === 0) console.log('  PF: no login model enabled');
}

let stopping = false;
const running = store;
const stop = (sig: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${sig}: stopping`);
  running.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
