// The profile lint of a PUSH binding, run by validate-profile and before every run: selectors that do not parse,
// a pattern that does not compile, a schema that does not compile, a vendor event name bound to two kinds, and
// selectors checked against the binding's own example payloads (each declared kind must be recognised in them,
// each field must select something). A binding that cannot work is a profile error (exit 2), never a red run.
import { readFileSync } from 'node:fs';
import { DEFAULT_PUSH_SCHEMA_PATH, STATUS_EVENT_KINDS, canMatchObjects, type KindRule, type PushBinding, type StatusEventKind } from './binding.js';
import { compilePayloadSchema, createDecoder, type PushEvent } from './decode.js';
import { ruleSelectors, selectorProblem } from './select.js';

export interface BindingProblem {
  /** JSON Pointer into the profile. */
  path: string;
  message: string;
}

const BASE = '/push/binding';

function rulePaths(rule: KindRule, at: string): { selector: string; path: string }[] {
  if ('all' in rule) return rule.all.flatMap((r, i) => rulePaths(r, `${at}/all/${i}`));
  if ('any' in rule) return rule.any.flatMap((r, i) => rulePaths(r, `${at}/any/${i}`));
  if ('not' in rule) return rulePaths(rule.not, `${at}/not`);
  return [{ selector: rule.selector, path: `${at}/selector` }];
}

/** Every selector of the binding with the profile path it came from. */
function selectors(b: PushBinding): { selector: string; path: string; what: string }[] {
  const out: { selector: string; path: string; what: string }[] = [];
  if (b.form === 'general') {
    out.push({ selector: b.events, path: `${BASE}/events`, what: 'event selector' });
    for (const k of STATUS_EVENT_KINDS) {
      const r = b.kinds[k];
      if (r) for (const p of rulePaths(r, `${BASE}/kinds/${k}`)) out.push({ ...p, what: `kind ${k}` });
    }
    if (b.label) out.push({ selector: b.label.selector, path: `${BASE}/label`, what: 'label' });
    for (const [k, f] of Object.entries(b.object)) if (f) out.push({ selector: f.selector, path: `${BASE}/object/${k}${k === 'resourceUrl' ? '/selector' : ''}`, what: `object ${k}` });
    b.identity.forEach((f, i) => out.push({ selector: f.selector, path: `${BASE}/identity${b.identity.length > 1 ? `/${i}` : ''}`, what: `identity ${f.name}` }));
    if (b.notification.index) out.push({ selector: b.notification.index, path: `${BASE}/notification/index`, what: 'notification index' });
  } else {
    const p = (name: string, sel: string | undefined): void => {
      if (sel !== undefined) out.push({ selector: sel, path: `${BASE}/pointers/${name}`, what: name });
    };
    p('event', (b.kinds.seen as { selector?: string } | undefined)?.selector);
    for (const [k, f] of Object.entries(b.object)) if (f) p(k === 'imdnMessageId' ? 'object' : k, f.selector);
    p('identity', b.identity[0]?.selector);
  }
  return out;
}

/** A value bound to two kinds by simple "selector equals" rules on the same selector. */
function doubleBound(b: PushBinding): BindingProblem[] {
  const seen = new Map<string, StatusEventKind>();
  const problems: BindingProblem[] = [];
  for (const k of STATUS_EVENT_KINDS) {
    const r = b.kinds[k];
    if (!r || !('selector' in r) || r.equals === undefined || r.absent) continue;
    for (const v of r.equals) {
      const key = `${r.scope ?? 'event'} ${r.selector} ${v}`;
      const other = seen.get(key);
      if (other) {
        problems.push({
          path: b.form === 'general' ? `${BASE}/kinds/${k}/equals` : `${BASE}/eventNames/${k}`,
          message: `the event name ${JSON.stringify(v)} at ${r.selector} is bound to both "${other}" and "${k}": an event of that name cannot be told apart`,
        });
      } else seen.set(key, k);
    }
  }
  return problems;
}

export function lintBinding(b: PushBinding, opts: { pushDeclared: boolean }): BindingProblem[] {
  const problems: BindingProblem[] = [];
  const sels = selectors(b);
  for (const s of sels) {
    const p = selectorProblem(s.selector);
    if (p) problems.push({ path: s.path, message: `${s.what}: ${p}` });
  }
  if (b.object.resourceUrl) {
    try {
      new RegExp(b.object.resourceUrl.pattern);
    } catch (e) {
      problems.push({ path: `${BASE}/object/resourceUrl/pattern`, message: `not a regular expression: ${(e as Error).message}` });
    }
  }
  problems.push(...doubleBound(b));
  if (b.form === 'general') {
    if (!canMatchObjects(b)) problems.push({ path: `${BASE}/object`, message: 'declares no reference that identifies an object: give imdnMessageId, resourceUrl, or folder and uid' });
    if (!b.identity.some((i) => i.role === 'actor')) problems.push({ path: `${BASE}/identity`, message: 'declares no actor identity field: CR §5.4.2 requires the device that triggered the change in the notification' });
    for (const k of ['seen', 'deleted', 'expunged'] as const) {
      if (!b.kinds[k]) problems.push({ path: `${BASE}/kinds`, message: `declares no rule for "${k}": the 5.4.2 cases provoke ${k} changes` });
    }
  }
  if (problems.length > 0) return problems;

  // The suite's own schema is tested with the suite; a vendor's is compiled here so a broken one stops the run.
  if (b.schema !== undefined && b.schema !== DEFAULT_PUSH_SCHEMA_PATH) {
    try {
      compilePayloadSchema(b.schema);
    } catch (e) {
      return [{ path: `${BASE}/schema`, message: `the payload schema does not compile: ${(e as Error).message}` }];
    }
  }

  if (b.form === 'general' && opts.pushDeclared && b.examples.length === 0) {
    return [{ path: `${BASE}/examples`, message: 'the general form needs example payloads (at least one per declared kind) so its selectors can be checked before a run' }];
  }
  if (b.examples.length === 0) return problems;

  // Selectors against the examples: every example decodes, has events, and shows the kinds it says it has.
  const decode = createDecoder(b, true);
  const all: PushEvent[] = [];
  const covered = new Set<StatusEventKind>();
  b.examples.forEach((ex, i) => {
    const at = `${BASE}/examples/${i}`;
    let body: Buffer;
    try {
      body = readFileSync(ex.file);
    } catch (e) {
      problems.push({ path: `${at}/file`, message: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    const d = decode(body, ex.contentType);
    if (d.parseError) return void problems.push({ path: `${at}/file`, message: `${ex.file}: ${d.parseError}` });
    if (d.schemaValid === false) problems.push({ path: `${at}/file`, message: `${ex.file} breaks the binding's schema: ${d.schemaErrors.map((s) => `${s.path} ${s.message}`).join('; ')}` });
    if (d.events.length === 0) return void problems.push({ path: `${BASE}/events`, message: `selects no event in the example ${ex.file}` });
    all.push(...d.events);
    for (const k of ex.kinds) {
      if (d.events.some((e) => e.kinds.includes(k))) covered.add(k);
      else problems.push({ path: `${BASE}/kinds/${k}`, message: `recognises no "${k}" event in the example ${ex.file}, which declares one` });
    }
  });
  if (problems.length > 0) return problems;
  for (const k of STATUS_EVENT_KINDS) {
    if (b.form === 'general' && b.kinds[k] && !covered.has(k) && ['seen', 'deleted', 'expunged'].includes(k)) {
      problems.push({ path: `${BASE}/examples`, message: `no example payload declares a "${k}" event: add one so the "${k}" rule is checked` });
    }
  }
  // Each declared field must select something in at least one example event.
  const ruleFields = new Set(Object.values(b.kinds).flatMap((r) => (r ? ruleSelectors(r) : [])));
  for (const s of sels) {
    if (s.path.endsWith('/events') || ruleFields.has(s.selector) || s.path.includes('/notification/')) continue;
    const name = s.what.replace(/^object /, '').replace(/^identity /, '');
    const found = all.some((e) => (s.what.startsWith('identity') ? e.identities.some((i) => i.name === name && i.value !== undefined) : hasRef(e, name)));
    if (!found) problems.push({ path: s.path, message: `${s.what}: ${s.selector} selects nothing usable in any example payload` });
  }
  return problems;
}

function hasRef(e: PushEvent, key: string): boolean {
  switch (key) {
    case 'imdnMessageId':
    case 'object':
      return e.refs.imdnMessageId !== undefined;
    case 'resourceUrl':
      return e.refs.uid !== undefined || e.refs.folder !== undefined;
    case 'label':
      return e.label !== undefined;
    default:
      return (e.refs as Record<string, unknown>)[key] !== undefined;
  }
}
