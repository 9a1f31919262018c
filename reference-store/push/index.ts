// The reference store's PUSH notifier: status notifications to the CPM PUSH Enabler (CR §5.4.2).
// Payload formats: fixtures/push/README.md (reference), fixtures/push/nms-json/, fixtures/push/nms-xml/.
export type {
  NmsBatchChangedObject,
  NmsBatchDeletedObject,
  NmsBatchEvent,
  NmsBatchList,
  NmsBatchPost,
  NmsChangedFolder,
  NmsDeviceInfo,
  NmsJsonBody,
  PushFormat,
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
export { bareDeviceIdentity, buildStatusPayload, imapFolderUrl, imapMailboxUrl, imapMessageUrl } from './payload.js';
export {
  CPM_PUSH_NAMESPACE,
  NMS_JSON_CONTENT_TYPE,
  NMS_XML_CONTENT_TYPE,
  NMS_XML_NAMESPACE,
  buildNmsPosts,
  escapeXml,
  nmsJsonBody,
  nmsObjectEvent,
  nmsXmlBody,
  serializeNmsPost,
  shuffleBySeed,
  subscriptionUrl,
} from './nms.js';
export { createPushNotifier } from './notifier.js';
