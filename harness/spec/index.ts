// Validators for stored CPM objects (Table 1 / Table 6 of the CR) and their building blocks.
export * from './types.js';
export * from './object-kinds.js';
export * from './parse-object.js';
export * from './presence.js';
export * from './date-time.js';
export * from './address.js';
export * from './cpm-id.js';
export * from './uuid.js';
export * from './imdn-message-id.js';
export * from './message-context.js';
export * from './correlator.js';
export * from './cpim.js';
export * from './p-asserted-service.js';
export * from './device-identity.js';
export * from './voicemail.js';
export * from './object.js';
