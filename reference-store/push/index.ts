// The reference store's PUSH notifier: status notifications to the CPM PUSH Enabler (CR §5.4.2).
// Payload format: fixtures/push/README.md and fixtures/push/status-notification.schema.json.
export type {
  NmsChangedObject,
  NmsDeletedObject,
  NmsEvent,
  NmsEventList,
  NmsFlagList,
  PushNotifier,
  PushNotifierOptions,
  PushNotifierStats,
  StatusChange,
  StatusEvent,
  StatusEventKind,
  StatusObjectType,
  StatusPayload,
} from './types.js';
export { bareDeviceIdentity, buildStatusPayload, imapMailboxUrl, imapMessageUrl } from './payload.js';
export { createPushNotifier } from './notifier.js';
