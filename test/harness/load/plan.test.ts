// Load-run building blocks without a server: which devices act, the rate schedule, the command line.
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../../../harness/load/command.js';
import { planDevices } from '../../../harness/load/devices.js';
import { ChangeSchedule } from '../../../harness/load/schedule.js';
import { loadProfile } from '../../../harness/profile/index.js';
import type { Profile } from '../../../harness/profile/types.js';

const reference = loadProfile(undefined);
const external: Profile = { ...reference, target: { kind: 'external', host: '127.0.0.1', port: 1, tls: 'none', allowNonLoopback: false } };

describe('device plan', () => {
  it("takes the profile's devices in order, user by user", () => {
    const plan = planDevices(reference, 4);
    expect(plan.profile).toBe(reference);
    expect(plan.devices.map((d) => d.label)).toEqual(['alice/d1', 'alice/d2', 'alice/d3', 'bob/d1']);
    expect(plan.devices.every((d) => d.origin === 'profile')).toBe(true);
  });

  it('generates further devices for the reference target, spread over the users, without touching the loaded profile', () => {
    const plan = planDevices(reference, 7);
    expect(plan.devices.map((d) => `${d.label}:${d.origin}`)).toEqual([
      'alice/d1:profile', 'alice/d2:profile', 'alice/d3:profile', 'bob/d1:profile',
      'alice/d4:generated', 'bob/d2:generated', 'alice/d5:generated',
    ]);
    const generated = plan.devices.filter((d) => d.origin === 'generated');
    expect(new Set(generated.map((d) => d.device.id)).size).toBe(3);
    for (const d of generated) {
      expect(d.device.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(d.device).toMatchObject({ announce: 'login', login: `${d.user.name}#${d.device.id}` });
      expect(plan.profile.accounts.users.find((u) => u.name === d.user.name)!.devices).toContain(d.device);
    }
    expect(reference.accounts.users[0]!.devices).toHaveLength(3);
  });

  it('reuses the profile devices with further sessions for other targets', () => {
    const plan = planDevices(external, 6);
    expect(plan.profile).toBe(external);
    expect(plan.devices.map((d) => `${d.label}:${d.origin}`)).toEqual([
      'alice/d1:profile', 'alice/d2:profile', 'alice/d3:profile', 'bob/d1:profile', 'alice/d1#2:reused', 'alice/d2#2:reused',
    ]);
    expect(plan.devices[4]!.device).toBe(plan.devices[0]!.device);
  });
});

describe('change schedule', () => {
  it('hands out at most `total` slots, spaced by the rate', () => {
    const s = new ChangeSchedule(3, 10, 60_000, undefined, 1000);
    expect([s.take(), s.take(), s.take(), s.take()]).toEqual([0, 1, 2, undefined]);
    expect(s.stopped).toBe('changes');
    expect([s.slotTime(0), s.slotTime(1), s.slotTime(2)]).toEqual([1000, 1100, 1200]);
  });

  it('a slot at or after the deadline is not used; an abort stops the schedule', async () => {
    const s = new ChangeSchedule(100, 10, 250, undefined, performance.timeOrigin + performance.now());
    expect(await s.wait(3)).toBe(false);
    expect(s.stopped).toBe('duration');
    const stop = new AbortController();
    const t = new ChangeSchedule(100, 1, 60_000, stop.signal);
    const waiting = t.wait(30);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(t.stopped).toBe('interrupt');
    expect(t.take()).toBeUndefined();
  });
});

describe('load command line', () => {
  it('parses every option; faults also come from CPM_FAULTS', () => {
    expect(parseLoadArgs(['--devices', '3', '--changes', '60', '--rate', '12.5', '--duration', '5', '--late-window', '0', '--profile', 'p.json', '--reports', 'out', '--fault', 'push-no-seen'], { CPM_FAULTS: 'push-duplicate, push-no-seen' })).toEqual({
      devices: 3, changes: 60, rate: 12.5, duration: 5, lateWindowMs: 0, profile: 'p.json', reports: 'out', faults: ['push-no-seen', 'push-duplicate'],
    });
    expect(parseLoadArgs(['--devices', '1', '--changes', '1'], {})).toEqual({ devices: 1, changes: 1, reports: 'reports', faults: [] });
  });

  it('names the problem with a bad command line', () => {
    expect(parseLoadArgs(['--changes', '5'], {})).toMatch(/--devices N is required/);
    expect(parseLoadArgs(['--devices', '2'], {})).toMatch(/--changes M is required/);
    expect(parseLoadArgs(['--devices', '2.5', '--changes', '5'], {})).toMatch(/--devices needs a positive integer, not "2.5"/);
    expect(parseLoadArgs(['--devices', '2', '--changes', '5', '--rate', '0'], {})).toMatch(/--rate needs a positive number/);
    expect(parseLoadArgs(['--devices', '2', '--changes', '5', '--bogus'], {})).toMatch(/bogus/);
  });
});
