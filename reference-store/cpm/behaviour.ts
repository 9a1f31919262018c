// Wires the CPM behaviour of the CR into the generic store: object classification, APPEND fault
// switches, the header binding of device identities, the PF rewrite path, and the PUSH notifications.
import type { ResolvedOptions } from '../options.js';
import type { FaultSet } from '../faults.js';
import type { ChangeEvent, MailStore, Mailbox, Origin, StoreHooks, StoredMessage } from '../store/mailstore.js';
import { fieldValue, parseFields, splitHeaderBody } from '../store/message.js';
import type { PushNotifier, StatusEvent, StatusEventKind } from '../push/index.js';
import type { Accounts } from './accounts.js';
import { bareDeviceId } from './identity.js';
import { applyAppendFaults, describeObject, renderWithIdentities } from './objects.js';

export function cpmStoreHooks(opts: ResolvedOptions, faults: FaultSet, accounts: Accounts): StoreHooks {
  return {
    prepareAppend(raw) {
      const d = describeObject(raw);
      return { raw: applyAppendFaults(raw, d.objectType, faults), objectType: d.objectType, imdnMessageId: d.imdnMessageId };
    },
    afterAppend(user, mb, msg, origin) {
      if (origin.pf !== null && opts.pfPath.has('rewrite')) recogniseRewrite(mb, msg, accounts, user);
    },
    render(msg) {
      return opts.identityBinding === 'header' ? renderWithIdentities(msg, faults) : { key: '', build: () => msg.raw };
    },
  };
}

/**
 * PF rewrite path (the CR's literal approach): the PF APPENDs the object again, carrying
 * Message-seen-identity / Message-delete-identity and \Seen / \Deleted, into the folder that holds
 * the older copy with the same IMDN-Message-ID. The new copy inherits the status change, attributed
 * to the named device; the older copy is marked superseded so its expunge is not a status change.
 */
function recogniseRewrite(mb: Mailbox, msg: StoredMessage, accounts: Accounts, user: string): void {
  if (msg.imdnMessageId === null) return;
  const fields = parseFields(splitHeaderBody(msg.raw).header);
  const seen = fieldValue(fields, 'message-seen-identity');
  const del = fieldValue(fields, 'message-delete-identity');
  if (seen === null && del === null) return;
  const old = mb.messages.find((m) => m !== msg && !m.expunged && !m.superseded && m.imdnMessageId === msg.imdnMessageId);
  if (!old) return;
  const named = (v: string): string => accounts.declaredDevice(user, v) ?? bareDeviceId(v);
  old.superseded = true;
  msg.supersedes = old.uid;
  msg.seenBy = msg.flags.has('\\Seen') ? (seen !== null ? named(seen) : old.seenBy) : null;
  msg.deletedBy = msg.flags.has('\\Deleted') ? (del !== null ? named(del) : old.deletedBy) : null;
}

/** Translates store changes into StatusEvents for Message and Voicemail Objects and hands them to the notifier. */
export class StatusEventSource {
  private readonly unsubscribe: () => void;

  constructor(
    store: MailStore,
    private readonly notifier: PushNotifier,
    private readonly faults: FaultSet,
    private readonly accounts: Accounts,
    private readonly imapBaseUrl: () => string,
  ) {
    this.unsubscribe = store.subscribe((ev) => this.onChange(ev));
  }

  close(): void { this.unsubscribe(); }

  private onChange(ev: ChangeEvent): void {
    const out: [StatusEventKind, StoredMessage, string | null][] = [];
    if (ev.kind === 'new') {
      for (const m of ev.messages) {
        if (m.supersedes !== null) {
          if (m.flags.has('\\Seen')) out.push(['seen', m, m.seenBy]);
          if (m.flags.has('\\Deleted')) out.push(['deleted', m, m.deletedBy]);
          if (!m.flags.has('\\Seen') && !m.flags.has('\\Deleted')) out.push(['new', m, ev.origin.device]);
        } else {
          out.push(['new', m, ev.origin.device]);
        }
      }
    } else if (ev.kind === 'flags') {
      // the older copy replaced on the PF rewrite path leaves silently (\Deleted, then expunge)
      if (ev.message.superseded) return;
      if (ev.added.includes('\\Seen')) out.push(['seen', ev.message, ev.origin.device]);
      if (ev.removed.includes('\\Seen')) out.push(['unseen', ev.message, ev.origin.device]);
      if (ev.added.includes('\\Deleted')) out.push(['deleted', ev.message, ev.origin.device]);
      if (ev.removed.includes('\\Deleted')) out.push(['undeleted', ev.message, ev.origin.device]);
    } else if (ev.kind === 'expunge') {
      for (const m of ev.messages) if (!m.superseded) out.push(['expunged', m, m.deletedBy ?? ev.origin.device]);
    } else {
      return;
    }
    for (const [kind, msg, device] of out) {
      if (msg.objectType === null) continue;
      if (this.faults.has('push-no-voicemail') && msg.objectType === 'voicemail') continue;
      if (this.faults.has('push-no-seen') && kind === 'seen') continue;
      if (this.faults.has('push-no-delete') && (kind === 'deleted' || kind === 'expunged')) continue;
      let trigger = device;
      // The session's own device: a PF session has none (on the keyword path origin.device is the device the PF
      // named, not the session's), so it is null whenever the PF acts.
      let session = ev.origin.pf !== null ? null : ev.origin.device;
      if (this.faults.has('push-omit-identity')) { trigger = null; session = null; }
      if (this.faults.has('push-pf-identity') && ev.origin.pf !== null) trigger = null;
      if (this.faults.has('push-wrong-device')) {
        trigger = this.accounts.otherDevice(ev.user, trigger);
        if (session !== null) session = this.accounts.otherDevice(ev.user, session);
      }
      const status: StatusEvent = {
        event: kind, objectType: msg.objectType, user: ev.user, folder: ev.mailbox.name,
        uidValidity: ev.mailbox.uidValidity, uid: msg.uid, imdnMessageId: msg.imdnMessageId,
        flags: [...msg.flags].sort(), modseq: msg.modseq, triggeringDevice: trigger,
        occurredAt: new Date(), imapBaseUrl: this.imapBaseUrl(), sessionDevice: session,
      };
      this.notifier.notify(status);
    }
  }
}
