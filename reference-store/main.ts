// Stand-alone reference store:
//   npm run reference-store -- --port 14143 --push-url http://127.0.0.1:14180/push [--fault NAME]… [--binding header|none]
import { parseArgs } from 'node:util';
import { FAULTS, startReferenceStore } from './index.js';
import { DEMO_ACCOUNTS } from './demo-accounts.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '14143' },
    host: { type: 'string', default: '127.0.0.1' },
    'push-url': { type: 'string' },
    fault: { type: 'string', multiple: true, default: [] },
    binding: { type: 'string', default: 'header' },
    'no-notify': { type: 'boolean', default: false },
    'list-faults': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

if (values['list-faults']) {
  for (const f of FAULTS) console.log(`${f.name.padEnd(36)} ${f.violates.join(',').padEnd(34)} ${f.description}`);
  process.exit(0);
}
if (values.binding !== 'header' && values.binding !== 'none') {
  console.error('--binding must be header or none');
  process.exit(2);
}

const store = await startReferenceStore({
  host: values.host,
  port: Number(values.port),
  ...DEMO_ACCOUNTS,
  identityBinding: values.binding,
  notify: !values['no-notify'],
  ...(values['push-url'] ? { push: { url: values['push-url'] } } : {}),
  faults: values.fault,
  log: values.quiet ? undefined : (line) => console.log(`[store] ${line}`),
});

console.log(`CPM reference message store on ${store.imapUrl}`);
console.log(`capabilities: ${store.capabilities.join(' ')}`);
console.log(`push: ${values['push-url'] ?? '(none)'}   faults: ${store.faults.join(', ') || '(none)'}   binding: ${values.binding}`);
console.log('accounts (login forms: <user>, <user>#<device id>, <user>*<pf>; AUTHENTICATE PLAIN authzid=<user> authcid=<pf>):');
for (const u of DEMO_ACCOUNTS.users) {
  console.log(`  ${u.name} / ${u.password}`);
  for (const d of u.devices) console.log(`    ${u.name}#${d.id} / ${d.password ?? u.password}`);
}
if (DEMO_ACCOUNTS.pf) console.log(`  PF: alice*${DEMO_ACCOUNTS.pf.name} / ${DEMO_ACCOUNTS.pf.password}`);

let stopping = false;
const stop = (sig: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${sig}: stopping`);
  store.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
