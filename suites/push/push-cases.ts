// CR §5.4.2, Notifications to CPM PUSH Enabler: "the Message Storage Server SHALL notif[y] the CPM PUSH Enabler
// about the change in the Stored Object [Message and Voicemail Object] status. The Message Storage Server SHALL
// include the device identity that triggered the status change along with the notification details."
//
// The heart of the CR (Reason for Change): the status is updated "either by CPM client or the CPM Participating
// function", and the store must know which device did it "so that CPM enabler can inform all the other CPM
// clients except the one that updated the status". The cases are generated from one table:
//   status change (seen, deleted = \Deleted set, expunged) × object (Message, Voicemail) ×
//   path (the device updates the store directly; the PF updates it on the device's behalf, keyword or rewrite
//   convention, harness/cpm/pf-path.ts) × acting device (A, then B, of a user with three devices; C stores the
//   object, so every acting device differs from the one that stored it).
// Plus the checks that need their own observation: no notification about the change names another device,
// payloads validate against the binding's schema, one change gives one notification, the object's identity
// header names the notified device, a single-device user, another user's change, and mark-as-unread.
import { defineCase, type CaseDefinition, type Feature } from '../../harness/conformance/case.js';
import type { CaseContext } from '../../harness/conformance/context.js';
import { fetchHeader } from '../../harness/imap/objects.js';
import { now } from '../../harness/imap/timeline.js';
import { BlockedError, must } from '../../harness/must/index.js';
import type { User } from '../../harness/profile/types.js';
import { actorIdentities, isAbout, namesOther, type ObservedEvent } from '../../harness/push/index.js';
import { sameDevice } from '../../harness/spec/device-identity.js';
import { parseObject } from '../../harness/spec/parse-object.js';
import {
  describeDevice,
  expectNotification,
  mustNameDevice,
  mustNotNameOthers,
  mustNotifyOnce,
  notificationIfAny,
  objectRef,
  reportedKind,
  schemaProblems,
} from './observe.js';
import { acting, applyChange, changeAll, currentUid, otherTag, stageMessages, withObject, type Change, type ObjectType, type Path, type StagedObject } from './staging.js';

interface ObjectPlan {
  type: ObjectType;
  features: Feature[];
  /** Catalog rows of the identity headers (Table 1 / Table 6). */
  seenRow: string;
  deleteRow: string;
}

const OBJECTS: readonly ObjectPlan[] = [
  { type: 'message', features: ['kind:standalone'], seenRow: 'mo.message-seen-identity', deleteRow: 'mo.message-delete-identity' },
  { type: 'voicemail', features: ['voicemail', 'kind:voicemail'], seenRow: 'vm.message-seen-identity', deleteRow: 'vm.message-delete-identity' },
];

/** The status changes whose notification must name the device (the two the CR gives identity headers for, A-18). */
const CHANGES = ['seen', 'deleted', 'expunged'] as const satisfies readonly Change[];
type MainChange = (typeof CHANGES)[number];

interface PathPlan {
  path: Path;
  features: Feature[];
  interpretations: string[];
}

const PATHS: readonly PathPlan[] = [
  { path: 'direct', features: [], interpretations: [] },
  { path: 'pf-keyword', features: ['pf', 'pf:keyword'], interpretations: [] },
  { path: 'pf-rewrite', features: ['pf', 'pf:rewrite'], interpretations: ['amb.immutable-object'] },
];

/** Acting devices: the user's first and second device; the third stores the object. */
const ACTORS = [
  { letter: 'a', index: 0 },
  { letter: 'b', index: 1 },
] as const;
const STORER = 2;

const CHANGE_INTERPRETATIONS: Record<MainChange, string[]> = {
  seen: [],
  deleted: ['amb.delete-identity-after-expunge', 'amb.status-change-scope'],
  expunged: ['amb.delete-identity-after-expunge', 'amb.status-change-scope'],
};

const COMMON_INTERPRETATIONS = ['amb.push-format', 'amb.push-timing'];
const IDENTITY_INTERPRETATIONS = ['amb.device-learning', 'amb.identity-form'];

function interpretations(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/** "sets \Seen on the object", as a statement reads. */
function doing(change: Change): string {
  switch (change) {
    case 'seen':
      return 'sets \\Seen on';
    case 'unseen':
      return 'removes \\Seen from';
    case 'deleted':
      return 'sets \\Deleted on';
    case 'expunged':
      return 'sets \\Deleted on and expunges';
  }
}

/** Procedure steps of one change on one path, acted by/for device X. */
function changeSteps(change: MainChange, path: Path, x: string): string[] {
  const flag = change === 'seen' ? '\\Seen' : '\\Deleted';
  const kw = change === 'seen' ? '$CPMSeenBy_' : '$CPMDeletedBy_';
  const field = change === 'seen' ? 'Message-seen-identity' : 'Message-delete-identity';
  const expunge = change === 'expunged' ? ['UID EXPUNGE <uid> (of the copy carrying \\Deleted)'] : [];
  switch (path) {
    case 'direct':
      return [`device ${x} (its own session, announced as the profile declares): UID STORE <uid> +FLAGS (${flag})`, ...expunge];
    case 'pf-keyword':
      return [`the PF, acting for device ${x}: UID STORE <uid> +FLAGS (${flag} ${kw}<device ${x} id, =XX-encoded>)`, ...expunge];
    case 'pf-rewrite':
      return [
        `the PF, acting for device ${x}: UID FETCH <uid> (FLAGS BODY.PEEK[]), APPEND the object again with "${field}: <device ${x} id>" and ${flag} added, UID STORE <uid> +FLAGS.SILENT (\\Deleted), UID EXPUNGE <uid>`,
        ...expunge,
      ];
  }
}

function pathWords(path: Path, x: string): string {
  return path === 'direct' ? `device ${x}` : `the PF, acting for device ${x} (${path === 'pf-keyword' ? 'keyword' : 'rewrite'} convention),`;
}

function matchWords(): string {
  return 'referencing the object (by every reference the binding declares: IMDN-Message-ID, resource URL, folder + UIDVALIDITY + UID, user)';
}

const ABSENCE_WORDS = 'make a sentinel change (another object of the user: \\Seen, or \\Deleted when the change is \\Seen) and wait for its event (the sentinel barrier; a profile that declares no delivery order gets its quiet window instead)';

/** The user with three devices, the acting device and the device that stores the object. */
function cast(c: CaseContext, actorIndex: number) {
  const user = c.user({ devices: 3 });
  return { user, actor: user.devices[actorIndex]!, storer: user.devices[STORER]! };
}

// ---- the matrix: arrival + object + identity ------------------------------------------------------------------

function notifiedWithIdentity(o: ObjectPlan, change: MainChange, p: PathPlan, a: (typeof ACTORS)[number]): CaseDefinition {
  const X = a.letter.toUpperCase();
  return defineCase(
    {
      id: `push.${o.type}.${change}.${p.path}.device-${a.letter}.notified-with-identity`,
      requirements: ['push.status-change', 'push.trigger-identity'],
      clause: '5.4.2',
      level: 'MUST',
      features: ['push', 'devices:3', ...o.features, ...p.features],
      statement: `When ${pathWords(p.path, X)} ${doing(change)} a ${o.type} object, a notification reaches the CPM PUSH Enabler within the push timeout, references the object and names device ${X}.`,
      interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS, CHANGE_INTERPRETATIONS[change], p.interpretations),
      preconditions: ['a user with three devices (A, B, C)', ...(p.path === 'direct' ? [] : [`the profile declares the PF account and pfPath "${p.path.slice(3)}"`])],
      procedure: [
        `device C APPENDs a ${o.type} object (${o.type === 'voicemail' ? 'to the voicemail folder' : 'to a folder of the case'})`,
        ...changeSteps(change, p.path, X),
        `wait up to push.timeoutMs for a ${change} notification ${matchWords()}`,
      ],
      passCriteria: `A ${change} notification about the object arrives within push.timeoutMs (push.status-change) and its triggering-device identity equals device ${X}'s after normalisation, never device A/B/C's other ones (push.trigger-identity).`,
    },
    async (c) => {
      const { user, actor, storer } = cast(c, a.index);
      const s = await c.session(user, storer, `${user.name}/C`);
      await withObject(c, s, user, o.type, async (obj) => {
        const act = await acting(c, user, actor, p.path);
        const from = c.push.mark();
        const since = now();
        await applyChange(act, obj, change);
        const n = await expectNotification(c, user, obj, reportedKind(change), from, since);
        mustNameDevice(n, actor, user);
      });
    },
  );
}

// ---- no notification about the change names another device -----------------------------------------------------

function neverOtherDevice(o: ObjectPlan, change: MainChange, p: PathPlan): CaseDefinition {
  return defineCase(
    {
      id: `push.${o.type}.${change}.${p.path}.never-other-device`,
      // push.status-change too: without a notification for the change or the sentinel the negative is unproven.
      requirements: ['push.trigger-identity', 'push.status-change'],
      clause: '5.4.2',
      level: 'MUST',
      features: ['push', 'devices:3', ...o.features, ...p.features],
      statement: `No notification about the ${change} change that ${pathWords(p.path, 'B')} makes to a ${o.type} object names device A or device C.`,
      interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS, CHANGE_INTERPRETATIONS[change], p.interpretations, ['amb.exclusion-semantics']),
      preconditions: ['a user with three devices (A, B, C)'],
      procedure: [
        `device C APPENDs a ${o.type} object`,
        ...changeSteps(change, p.path, 'B'),
        `wait up to push.timeoutMs for the ${change} notification, then ${ABSENCE_WORDS}`,
      ],
      passCriteria: `No event about the change (${change === 'expunged' ? 'deleted or expunged' : change}) ${matchWords()} names device A or C, the storing device included; and the absence is proven: the change's own event or the sentinel's event was seen (silence alone proves nothing).`,
    },
    async (c) => {
      const { user, actor, storer } = cast(c, 1);
      const s = await c.session(user, storer, `${user.name}/C`);
      await withObject(c, s, user, o.type, async (obj) => {
        const act = await acting(c, user, actor, p.path);
        const from = c.push.mark();
        const since = now();
        await applyChange(act, obj, change);
        await mustNotNameOthers(c, s, obj, change, actor, user, from, since);
      });
    },
  );
}

// ---- one change, one notification (SHOULD) --------------------------------------------------------------------------

function exactlyOne(o: ObjectPlan, change: MainChange): CaseDefinition {
  return defineCase(
    {
      id: `push.${o.type}.${change}.direct.exactly-one`,
      requirements: ['push.status-change'],
      clause: '5.4.2',
      level: 'SHOULD',
      features: ['push', 'devices:3', ...o.features],
      statement: `One ${change} change of a ${o.type} object produces exactly one ${change} notification (duplicates are tolerated by the CR, so this is reported as a warning).`,
      interpretations: interpretations(COMMON_INTERPRETATIONS, CHANGE_INTERPRETATIONS[change]),
      procedure: [`device C APPENDs a ${o.type} object`, ...changeSteps(change, 'direct', 'A'), `wait for the ${change} notification, then ${ABSENCE_WORDS}`],
      passCriteria: `Exactly one ${change} event about the object: none other before the sentinel's event (or in the quiet window).`,
    },
    async (c) => {
      const { user, actor, storer } = cast(c, 0);
      const s = await c.session(user, storer, `${user.name}/C`);
      await withObject(c, s, user, o.type, async (obj) => {
        const act = await acting(c, user, actor, 'direct');
        const from = c.push.mark();
        const since = now();
        await applyChange(act, obj, change);
        await mustNotifyOnce(c, s, obj, change, user, from, since);
      });
    },
  );
}

// ---- payloads validate against the binding's schema --------------------------------------------------------------

function schemaValid(o: ObjectPlan, p: PathPlan): CaseDefinition {
  return defineCase(
    {
      id: `push.${o.type}.payload.${p.path}.schema-valid`,
      requirements: ['push.status-change'],
      clause: '5.4.2',
      level: 'MUST',
      features: ['push', 'devices:3', ...o.features, ...p.features],
      statement: `Every notification about a ${o.type} object that ${pathWords(p.path, 'A')} reads, deletes and expunges validates against the profile's payload schema (push.binding.schema).`,
      interpretations: interpretations(['amb.push-format'], CHANGE_INTERPRETATIONS.expunged, p.interpretations),
      procedure: [
        `device C APPENDs a ${o.type} object`,
        ...changeSteps('seen', p.path, 'A'),
        'wait for the seen notification',
        ...changeSteps('expunged', p.path, 'A'),
        'wait for the deleted and the expunged notification',
        'validate every notification with an event about the object received since the APPEND against push.binding.schema, and every notification received meanwhile must decode',
      ],
      passCriteria: 'The seen, deleted and expunged notifications arrive, every notification with an event about the object is accepted by the binding schema, and no notification received meanwhile failed to parse.',
    },
    async (c) => {
      const { user, actor, storer } = cast(c, 0);
      const s = await c.session(user, storer, `${user.name}/C`);
      const start = c.push.mark();
      await withObject(c, s, user, o.type, async (obj) => {
        const act = await acting(c, user, actor, p.path);
        let from = c.push.mark();
        let since = now();
        await applyChange(act, obj, 'seen');
        await expectNotification(c, user, obj, 'seen', from, since);
        from = c.push.mark();
        since = now();
        await applyChange(act, obj, 'expunged');
        await expectNotification(c, user, obj, 'deleted', from, since);
        await expectNotification(c, user, obj, 'expunged', from, since);
        const schema = c.profile.push.binding.schema;
        if (schema === undefined) c.notApplicable('the profile\'s push binding declares no payload schema');
        const about = isAbout(c.push.binding, objectRef(user, obj));
        const events = c.push.events(start).filter((e) => about(e.event));
        const notifications = [...new Map(events.map((e) => [e.notification.seq, e])).values()];
        const bad = notifications.filter((e) => e.notification.schemaValid !== true);
        must.ok(bad.length === 0, {
          requirement: 'push.status-change',
          what: `notification payloads about the ${o.type} object break the binding schema`,
          expected: `${notifications.length} payload(s) valid against ${typeof schema === 'string' ? schema : 'the inline schema'}`,
          actual: bad.map(schemaProblems).join(' | '),
        });
        const unreadable = c.push.notifications().filter((n) => n.seq >= start && n.parseError !== undefined);
        must.ok(unreadable.length === 0, {
          requirement: 'push.status-change',
          what: 'notifications sent while the object changed could not be parsed',
          expected: 'every notification well-formed in the binding\'s format',
          actual: unreadable.map((n) => c.push.describe(n)).join(' | '),
        });
        c.note(`${notifications.length} notification(s) about the object validated against the binding schema`);
      });
    },
  );
}

// ---- the identity header on the object names the notified device ----------------------------------------------------

function headerMatchesNotification(o: ObjectPlan, change: 'seen' | 'deleted', p: PathPlan): CaseDefinition {
  const field = change === 'seen' ? 'Message-seen-identity' : 'Message-delete-identity';
  const row = change === 'seen' ? o.seenRow : o.deleteRow;
  return defineCase(
    {
      id: `push.${o.type}.${change}.${p.path}.header-names-notified-device`,
      requirements: ['push.trigger-identity', row],
      clause: '5.4.2',
      level: 'MUST',
      features: ['push', 'identity-header', 'devices:3', ...o.features, ...p.features],
      statement: `After ${pathWords(p.path, 'B')} ${doing(change)} a ${o.type} object, its ${field} field and the notification name the same device: B.`,
      interpretations: interpretations(IDENTITY_INTERPRETATIONS, ['amb.immutable-object'], change === 'deleted' ? ['amb.delete-identity-after-expunge'] : [], p.interpretations),
      preconditions: ['the profile declares identityBinding "header"', 'a user with three devices (A, B, C)'],
      procedure: [
        `device C APPENDs a ${o.type} object`,
        ...changeSteps(change, p.path, 'B'),
        `wait up to push.timeoutMs for the ${change} notification`,
        `device C: UID FETCH <current uid> BODY.PEEK[HEADER]`,
      ],
      passCriteria: `${field} is present and names device B (not A or C); the notification, when one arrives, names the same device as the header. Arrival itself is checked by the notified-with-identity cases.`,
    },
    async (c) => {
      const { user, actor, storer } = cast(c, 1);
      const s = await c.session(user, storer, `${user.name}/C`);
      await withObject(c, s, user, o.type, async (obj) => {
        const act = await acting(c, user, actor, p.path);
        const from = c.push.mark();
        const since = now();
        await applyChange(act, obj, change);
        const n = await notificationIfAny(c, user, obj, reportedKind(change), from, since);
        const header = await fetchHeader(s, obj.folder, currentUid(obj));
        const values = header ? parseObject(Buffer.concat([header, Buffer.from('\r\n')])).all(field).map((f) => f.value) : [];
        must.ok(values.length > 0, {
          requirement: row,
          what: `${field} of the object after the ${change} change`,
          expected: `a ${field} field naming ${describeDevice(user, actor)}`,
          actual: header ? 'no such field' : `UID ${currentUid(obj)} could not be fetched`,
        });
        const stranger = values.find((v) => !sameDevice(v, actor.id));
        must.ok(stranger === undefined, {
          requirement: row,
          what: `${field} names a device that did not make the change`,
          expected: describeDevice(user, actor),
          actual: values.join(', '),
        });
        if (!n) return;
        const ids = actorIdentities(n.event);
        must.ok(ids.length > 0 && ids.every((i) => i.value !== undefined && values.every((v) => sameDevice(v, i.value!))), {
          requirement: 'push.trigger-identity',
          what: `notification #${n.notification.seq} and the object's ${field} name different devices`,
          expected: `the device in ${field}: ${values.join(', ')}`,
          actual: ids.map((i) => i.value ?? `${i.name}: ${i.problem ?? 'missing'}`).join(', ') || 'no identity in the notification',
        });
      });
    },
  );
}

// ---- one command, several objects: each event attributed -------------------------------------------------------

const MULTI = 3;

function multiObject(change: 'seen' | 'expunged'): CaseDefinition {
  const command = change === 'seen' ? 'UID STORE <u1>,<u2>,<u3> +FLAGS (\\Seen)' : 'UID STORE <u1>,<u2>,<u3> +FLAGS (\\Deleted), then UID EXPUNGE <u1>,<u2>,<u3>';
  return defineCase(
    {
      id: `push.message.${change}.direct.multi-object.each-attributed`,
      requirements: ['push.status-change', 'push.trigger-identity'],
      clause: '5.4.2',
      level: 'MUST',
      features: ['push', 'devices:3', 'kind:standalone'],
      statement: `When device B ${change === 'seen' ? 'reads' : 'deletes and expunges'} ${MULTI} message objects with one command, the CPM PUSH Enabler is told about each of them, and every one of those events names device B.`,
      interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS, CHANGE_INTERPRETATIONS[change]),
      preconditions: ['a user with three devices (A, B, C)'],
      procedure: [`device C APPENDs ${MULTI} message objects to one folder`, `device B: ${command}`, `wait up to push.timeoutMs for a ${change} event ${matchWords()}, for each object`],
      passCriteria: `Each of the ${MULTI} objects has its own ${change} event within push.timeoutMs (one notification may carry several events, in any order), and each names device B.`,
    },
    async (c) => {
      const { user, actor, storer } = cast(c, 1);
      const s = await c.session(user, storer, `${user.name}/C`);
      const objects = await stageMessages(c, s, user, MULTI);
      const act = await acting(c, user, actor, 'direct');
      const from = c.push.mark();
      const since = now();
      await changeAll(act.session, objects, change);
      for (const obj of objects) mustNameDevice(await expectNotification(c, user, obj, change, from, since), actor, user);
    },
  );
}

// ---- single-device user, another user, mark as unread ------------------------------------------------------------

async function seenByDevice(c: CaseContext, user: User, deviceIndex: number, check: (n: ObservedEvent, obj: StagedObject) => void): Promise<void> {
  const device = user.devices[deviceIndex]!;
  const s = await c.session(user, device);
  await withObject(c, s, user, 'message', async (obj) => {
    const from = c.push.mark();
    const since = now();
    await applyChange({ path: 'direct', device, session: s }, obj, 'seen');
    check(await expectNotification(c, user, obj, 'seen', from, since), obj);
  });
}

const singleDeviceUser = defineCase(
  {
    id: 'push.message.seen.direct.single-device-user.notified-with-identity',
    requirements: ['push.status-change', 'push.trigger-identity'],
    clause: '5.4.2',
    level: 'MUST',
    features: ['push', 'kind:standalone'],
    statement: 'For a user with a single device, the notification of a \\Seen change still names that device (the CR: single-device clients need no explicit sync message either).',
    interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS),
    preconditions: ['the profile declares a user with exactly one device'],
    procedure: ['the device APPENDs a message object', 'the device: UID STORE <uid> +FLAGS (\\Seen)', 'wait up to push.timeoutMs for the seen notification'],
    passCriteria: 'A seen notification about the object arrives within push.timeoutMs and names the user\'s only device.',
  },
  async (c) => {
    const user = c.profile.accounts.users.find((u) => u.devices.length === 1);
    if (!user) throw new BlockedError('the profile declares no user with exactly one device');
    await seenByDevice(c, user, 0, (n) => mustNameDevice(n, user.devices[0]!, user));
  },
);

const otherUser = defineCase(
  {
    id: 'push.message.seen.direct.other-user.not-attributed-to-this-user',
    requirements: ['push.status-change', 'push.trigger-identity'],
    clause: '5.4.2',
    level: 'MUST',
    features: ['push', 'users:2', 'kind:standalone'],
    statement: 'Right after device A of one user reads its own object, another user\'s \\Seen change is notified naming the other user\'s device, never a device of the first user.',
    interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS),
    preconditions: ['two users'],
    procedure: [
      'device A of user 1 and the first device of user 2 each APPEND a message object to a folder of their own',
      'device A of user 1: UID STORE <uid1> +FLAGS (\\Seen)',
      'device of user 2: UID STORE <uid2> +FLAGS (\\Seen), at once',
      'wait up to push.timeoutMs for the seen notification about user 2\'s object',
    ],
    passCriteria: 'The notification about user 2\'s object arrives, names user 2\'s device and none of user 1\'s devices.',
  },
  async (c) => {
    const [first, second] = c.profile.accounts.users;
    if (!first || !second) throw new BlockedError('the profile declares fewer than two users');
    const a = first.devices[0]!;
    const sa = await c.session(first, a, `${first.name}/A`);
    await withObject(c, sa, first, 'message', async (mine) => {
      const theirs = second.devices[0]!;
      const sb = await c.session(second, theirs, `${second.name}/A`);
      await withObject(c, sb, second, 'message', async (obj) => {
        const from = c.push.mark();
        await applyChange({ path: 'direct', device: a, session: sa }, mine, 'seen');
        const since = now();
        await applyChange({ path: 'direct', device: theirs, session: sb }, obj, 'seen');
        const n = await expectNotification(c, second, obj, 'seen', from, since);
        const named = namesOther(n.event, first.devices);
        must.ok(named === undefined, {
          requirement: 'push.trigger-identity',
          what: `the notification about ${second.name}'s object names a device of ${first.name}`,
          expected: describeDevice(second, theirs),
          actual: `${actorIdentities(n.event).map((i) => i.value).join(', ')} = ${named ? describeDevice(first, named) : ''}`,
        });
        mustNameDevice(n, theirs, second);
      }, otherTag(c.tag));
    });
  },
);

const unseen = defineCase(
  {
    id: 'push.message.unseen.direct.device-b.notified-with-identity',
    requirements: ['push.status-change', 'push.trigger-identity'],
    clause: '5.4.2',
    level: 'SHOULD',
    features: ['push', 'devices:3', 'kind:standalone'],
    statement: 'When device B marks a message object unread (-\\Seen) that device A had read, an unseen notification names device B.',
    interpretations: interpretations(COMMON_INTERPRETATIONS, IDENTITY_INTERPRETATIONS, ['amb.mark-unread', 'amb.status-change-scope']),
    preconditions: ['a user with three devices (A, B, C)'],
    procedure: [
      'device C APPENDs a message object',
      'device A: UID STORE <uid> +FLAGS (\\Seen); wait up to push.timeoutMs for its seen notification',
      'device B: UID STORE <uid> -FLAGS (\\Seen)',
      'wait up to push.timeoutMs for the unseen notification',
    ],
    passCriteria: 'An unseen notification about the object arrives within push.timeoutMs and names device B, not A (the CR leaves open whether unread is a status change: a warning, not a failure).',
  },
  async (c) => {
    const { user, actor, storer } = cast(c, 1);
    const s = await c.session(user, storer, `${user.name}/C`);
    await withObject(c, s, user, 'message', async (obj) => {
      const before = c.push.mark();
      const seenAt = now();
      await applyChange(await acting(c, user, user.devices[0]!, 'direct'), obj, 'seen');
      // A store that sends the object's whole flag state reports its creation as "not seen" too: once A's seen
      // event is in (delivery per user in order), nothing older can pass for B's unseen change.
      await notificationIfAny(c, user, obj, 'seen', before, seenAt);
      const act = await acting(c, user, actor, 'direct');
      const from = c.push.mark();
      const since = now();
      await applyChange(act, obj, 'unseen');
      mustNameDevice(await expectNotification(c, user, obj, 'unseen', from, since), actor, user);
    });
  },
);

/** Every 5.4.2 case, in a stable order. */
export function pushCaseList(): CaseDefinition[] {
  const out: CaseDefinition[] = [];
  for (const o of OBJECTS) {
    for (const change of CHANGES) {
      for (const p of PATHS) {
        for (const a of ACTORS) out.push(notifiedWithIdentity(o, change, p, a));
        out.push(neverOtherDevice(o, change, p));
      }
      out.push(exactlyOne(o, change));
    }
    for (const p of PATHS) out.push(schemaValid(o, p));
    for (const change of ['seen', 'deleted'] as const) for (const p of PATHS) out.push(headerMatchesNotification(o, change, p));
  }
  out.push(multiObject('seen'), multiObject('expunged'));
  out.push(singleDeviceUser, otherUser, unseen);
  return out;
}

export const pushCases: CaseDefinition[] = pushCaseList();

