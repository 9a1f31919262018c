// CPM PUSH Enabler mock and the payload binding it applies.
export * from './binding.js';
export * from './enabler.js';
export * from './json-pointer.js';
export * from './from-profile.js';
export * from './decode.js';
export * from './observe.js';
export * from './select.js';
