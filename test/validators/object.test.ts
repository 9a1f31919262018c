import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateObject, type ObjectKind } from '../../harness/spec/index.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/objects/${name}`, import.meta.url), 'latin1');
const rules = (raw: string | Buffer, kind: ObjectKind) => validateObject(raw, kind).map((f) => f.rule).sort();

describe('validateObject', () => {
  const standalone = fixture('valid/standalone.eml');

  it('accepts a Buffer or a string', () => {
    expect(validateObject(Buffer.from(standalone, 'latin1'), 'standalone')).toEqual([]);
    expect(validateObject(standalone, 'standalone')).toEqual([]);
  });

  it('matches header names case-insensitively', () => {
    const end = standalone.indexOf('\r\n\r\n');
    const lower = standalone.slice(0, end).replace(/^([A-Za-z-]+):/gm, (_m, name: string) => `${name.toLowerCase()}:`) + standalone.slice(end);
    expect(rules(lower, 'standalone')).toEqual([]);
    const upper = standalone.replace('Conversation-ID:', 'CONVERSATION-ID:').replace('P-Asserted-Service:', 'p-asserted-SERVICE:');
    expect(rules(upper, 'standalone')).toEqual([]);
  });

  it('unfolds folded header values before checking them', () => {
    const folded = standalone
      .replace('Date: Fri, 30 Oct 2015 16:26:16 +0100', 'Date: Fri, 30 Oct 2015\r\n 16:26:16 +0100')
      .replace('Conversation-ID: f81d4fae', 'Conversation-ID:\r\n f81d4fae')
      .replace('To: "Bob" <tel:+33642639381>', 'To: "Bob"\r\n\t<tel:+33642639381>');
    expect(rules(folded, 'standalone')).toEqual([]);
  });

  it('reports a folded value that breaks a token grammar', () => {
    const broken = standalone.replace('Contribution-ID: abcdef-1234', 'Contribution-ID: abcdef-\r\n 1234');
    expect(rules(broken, 'standalone')).toEqual(['cpm-id.syntax']);
  });

  it('does not check the value of a header the kind forbids (one finding, not two)', () => {
    const chat = fixture('valid/chat.eml').replace('Conversation-ID:', 'InReplyTo-Contribution-ID: not a token\r\nConversation-ID:');
    expect(validateObject(chat, 'chat')).toEqual([expect.objectContaining({ rule: 'presence.forbidden', header: 'InReplyTo-Contribution-ID' })]);
  });

  it('ignores extension headers the tables do not list', () => {
    const extra = standalone.replace('Subject:', 'Message-Direction: sent\r\nX-Anything: (whatever)\r\nSubject:');
    expect(rules(extra, 'standalone')).toEqual([]);
  });

  it('gives the same object different verdicts per kind', () => {
    expect(rules(standalone, 'chat')).toEqual(['presence.forbidden', 'presence.forbidden', 'presence.forbidden']);
    expect(rules(standalone, 'sms')).toEqual(['presence.forbidden']);
    expect(rules(fixture('valid/sms.eml'), 'standalone')).toEqual(['presence.forbidden', 'presence.missing']);
  });

  it('parses the body as CPIM whenever the Content-Type says so, also for kinds without a CPIM rule', () => {
    const chat = fixture('valid/chat.eml').replace('\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\n', '\r\n');
    expect(validateObject(chat, 'chat')).toEqual([expect.objectContaining({ rule: 'cpim.structure', requirement: 'mo.content-type' })]);
  });

  it('accepts a session info object with only the headers Table 1 decides for it', () => {
    const minimal = 'IMDN-Message-ID: si-1\r\n\r\n';
    expect(rules(minimal, 'session-info')).toEqual([]);
    expect(rules(minimal, 'group-state')).toEqual([]);
    expect(validateObject('Subject: x\r\n\r\n', 'session-info')).toEqual([
      expect.objectContaining({ rule: 'presence.missing', requirement: 'mo.imdn-message-id.generated-unique' }),
    ]);
  });

  it('allows several identity lines, each checked', () => {
    const two = standalone.replace('Content-Type:', 'Message-seen-identity: urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\r\nMessage-seen-identity: bad value\r\nContent-Type:');
    expect(validateObject(two, 'standalone')).toEqual([
      expect.objectContaining({ rule: 'identity.syntax', requirement: 'mo.message-seen-identity', actual: expect.stringContaining('bad value') }),
    ]);
  });

  it('reports every voicemail deviation under Table 6 requirements', () => {
    const vm = fixture('valid/voicemail.eml')
      .replace('Conversation-ID: tel:+33612345678', 'Conversation-ID: caller')
      .replace('Message-Context: voice-message\r\nContent-Type: Message/CPIM', 'Content-Type: Message/CPIM');
    expect(validateObject(vm, 'voicemail').map((f) => `${f.rule} ${f.requirement}`).sort()).toEqual([
      'conversation-id.voicemail-form vm.conversation-id',
      'presence.missing vm.message-context',
    ]);
  });

  it('checks a number Conversation-ID against the calling party, in any of its forms', () => {
    const vm = fixture('valid/voicemail.eml');
    const calling = (conv: string, innerFrom = 'tel:+33612345678') =>
      validateObject(
        vm.replace('Conversation-ID: tel:+33612345678', `Conversation-ID: ${conv}`).replace('\r\n\r\nFrom: tel:+33612345678', `\r\n\r\nFrom: ${innerFrom}`),
        'voicemail',
      )
        .filter((f) => f.rule !== 'voicemail.copied-value') // the outer From is the caller's in every variant
        .map((f) => `${f.rule} ${f.requirement}`);
    expect(calling('+33612345678')).toEqual([]);
    expect(calling('33612345678')).toEqual([]);
    expect(calling('tel:+33698765432')).toEqual(['conversation-id.calling-party vm.conversation-id.calling-party']);
    expect(calling('+33698765432')).toEqual(['conversation-id.calling-party vm.conversation-id.calling-party']);
    // No number in the encapsulated From: nothing to compare with. A UUID is not failed when a number is known.
    expect(calling('tel:+33698765432', '<sip:anonymous@anonymous.invalid>')).toEqual([]);
    expect(calling('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toEqual([]);
  });
});
