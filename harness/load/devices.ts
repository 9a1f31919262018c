// Which devices act in a load run. The profile's devices come first, in profile order (user by user). When the
// run asks for more devices than the profile declares:
//   reference target  extra devices are generated (a random urn:uuid identity and password each, announced by
//                     login name) and spread over the profile's users in turn; the embedded store is started
//                     with them, so every acting session is a device of its own;
//   any other target  the profile's devices are reused in turn, each extra session logging in as that device
//                     again (a store cannot be given accounts it does not have). Several sessions then act as
//                     the same device, and its notifications must still name it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Device, Profile, User } from '../profile/types.js';

export type DeviceOrigin = 'profile' | 'generated' | 'reused';

export interface LoadDevice {
  user: User;
  device: Device;
  /** Session label in messages and the report, e.g. `alice/d2`, `bob/d1#2` (second session of bob's d1). */
  label: string;
  origin: DeviceOrigin;
}

export interface DevicePlan {
  /** The profile to start the target with (with the generated devices, if any). */
  profile: Profile;
  devices: LoadDevice[];
}

function generatedDevice(user: User): Device {
  const id = `urn:uuid:${randomUUID()}`;
  return { id, credentials: { password: randomBytes(12).toString('base64url') }, login: `${user.name}#${id}`, announce: 'login' };
}

export function planDevices(profile: Profile, count: number): DevicePlan {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`device count must be a positive integer, not ${count}`);
  const declared = profile.accounts.users.flatMap((user) => user.devices.map((device) => ({ user, device })));
  if (declared.length === 0) throw new RangeError('the profile declares no device');
  const label = (user: User, device: Device): string => `${user.name}/d${user.devices.indexOf(device) + 1}`;

  if (count <= declared.length) {
    return { profile, devices: declared.slice(0, count).map(({ user, device }) => ({ user, device, label: label(user, device), origin: 'profile' })) };
  }

  if (profile.target.kind === 'reference') {
    const extended: Profile = structuredClone(profile);
    const users = extended.accounts.users;
    const devices: LoadDevice[] = users.flatMap((user) => user.devices.map((device) => ({ user, device, label: label(user, device), origin: 'profile' as const })));
    for (let i = 0; devices.length < count; i++) {
      const user = users[i % users.length]!;
      const device = generatedDevice(user);
      user.devices.push(device);
      devices.push({ user, device, label: label(user, device), origin: 'generated' });
    }
    return { profile: extended, devices };
  }

  const devices: LoadDevice[] = [];
  for (let i = 0; i < count; i++) {
    const { user, device } = declared[i % declared.length]!;
    const round = Math.floor(i / declared.length);
    devices.push({ user, device, label: round === 0 ? label(user, device) : `${label(user, device)}#${round + 1}`, origin: round === 0 ? 'profile' : 'reused' });
  }
  return { profile, devices };
}
