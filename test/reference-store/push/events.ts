// StatusEvent samples for the notifier tests.
import type { StatusEvent, StatusEventKind } from '../../../reference-store/push/index.js';

export const EVENT_KINDS: StatusEventKind[] = ['new', 'seen', 'unseen', 'deleted', 'undeleted', 'expunged'];

/** Flags an object plausibly has after each kind of change. */
const FLAGS_AFTER: Record<StatusEventKind, string[]> = {
  new: [],
  seen: ['\\Seen', '$MDNSent'],
  unseen: ['$MDNSent'],
  deleted: ['\\Seen', '\\Deleted'],
  undeleted: ['\\Seen'],
  expunged: ['\\Seen', '\\Deleted'],
};

export function statusEvent(over: Partial<StatusEvent> = {}): StatusEvent {
  const event = over.event ?? 'seen';
  return {
    event,
    objectType: 'message',
    user: 'alice',
    folder: 'RCSMessageStore/conv-1',
    uidValidity: 1732500000,
    uid: 5,
    imdnMessageId: 'Xs3kG2nYk8',
    flags: FLAGS_AFTER[event],
    modseq: 17,
    triggeringDevice: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    occurredAt: new Date('2026-11-25T02:51:36.123Z'),
    imapBaseUrl: 'imap://127.0.0.1:14143',
    ...over,
  };
}
