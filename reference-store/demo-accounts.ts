// Documented demo account set used by `npm run reference-store` (loopback only, not secrets).
import type { ReferenceStoreOptions } from './options.js';

export const DEMO_ACCOUNTS: Pick<ReferenceStoreOptions, 'users' | 'pf'> = {
  users: [
    {
      name: 'alice',
      password: 'alice-secret',
      devices: [
        { id: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6', password: 'alice-tablet' },
        { id: 'urn:gsma:imei:35000000-000001-0', password: 'alice-phone' },
        { id: 'urn:uuid:0b4f7a2e-5c1d-4e8f-9a3b-2d6c8e1f4a70', password: 'alice-web' },
      ],
    },
    {
      name: 'bob',
      password: 'bob-secret',
      devices: [{ id: 'urn:gsma:imei:35000000-000002-0', password: 'bob-phone' }],
    },
  ],
  pf: { name: 'pf', password: 'pf-secret' },
};
