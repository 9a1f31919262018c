#!/usr/bin/env node
// `npx cpm-conformance …`: loads tsx's ESM loader, then the TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
await import('./cpm-conformance.ts');
