import { describe, expect, it } from 'vitest';
import { checkCorrelator, checkMessageContext, parseCpimBody, parseMessageContext, parseObject, smsText } from '../../harness/spec/index.js';

describe('Message-Context (RFC 3458)', () => {
  it('parses the class case-insensitively, with CFWS around it', () => {
    expect(parseMessageContext(' Pager-Message (sms) ')).toEqual({ value: 'pager-message', quoted: false, token: true, registered: true });
    expect(parseMessageContext('video-message').registered).toBe(true);
    expect(parseMessageContext('x-custom').registered).toBe(false);
  });

  it('reports a quoted value as syntax, and a wrong class as value', () => {
    const rules = (v: string, allowed?: string[]) => checkMessageContext(v, 'mo.message-context', allowed, 'mo.message-context.legacy-values').map((f) => `${f.rule} ${f.requirement}`);
    expect(rules('"multimedia-message"', ['multimedia-message'])).toEqual(['message-context.syntax mo.message-context']);
    expect(rules('"voice-message"', ['multimedia-message'])).toEqual(['message-context.syntax mo.message-context', 'message-context.value mo.message-context.legacy-values']);
    expect(rules('MULTIMEDIA-MESSAGE', ['multimedia-message'])).toEqual([]);
    expect(rules('pager message', ['pager-message'])).toEqual(['message-context.syntax mo.message-context', 'message-context.value mo.message-context.legacy-values']);
    expect(rules('x-custom')).toEqual([]);
  });
});

const sms = (headers: string, text = 'Are you coming tonight?\r\n', encapsulated = 'Content-Type: text/plain; charset=utf-8\r\n') =>
  parseObject(`From: tel:+1555\r\n${headers}Content-Type: Message/CPIM\r\n\r\nFrom: <tel:+1555>\r\n\r\n${encapsulated}\r\n${text}`);
const correlatorRules = (headers: string, kind: 'sms' | 'mms' | 'standalone' | 'voicemail' = 'sms', text?: string, encapsulated?: string) => {
  const obj = sms(headers, text, encapsulated);
  const cpim = parseCpimBody(obj.body).message;
  return checkCorrelator(obj, kind, cpim).map((f) => `${f.rule} ${f.requirement}`);
};

describe('Message-Correlator cross-field rules', () => {
  it('requires Message-Context with a correlator (Table 1 kinds only)', () => {
    expect(correlatorRules('Message-Correlator: Are you\r\n')).toEqual(['correlator.requires-context mo.message-context.required-with-correlator']);
    expect(correlatorRules('Message-Correlator: Are you\r\n', 'standalone')).toEqual(['correlator.requires-context mo.message-context.required-with-correlator']);
    expect(correlatorRules('Message-Correlator: Are you\r\n', 'voicemail')).toEqual([]);
    expect(correlatorRules('Message-Context: pager-message\r\n')).toEqual([]);
  });

  it('checks the SMS fragment against the stored text, white space collapsed and RFC 2047 decoded', () => {
    expect(correlatorRules('Message-Correlator: Are you coming\r\nMessage-Context: pager-message\r\n')).toEqual([]);
    expect(correlatorRules('Message-Correlator: Are  you\r\n  coming\r\nMessage-Context: pager-message\r\n')).toEqual([]);
    expect(correlatorRules('Message-Correlator: =?utf-8?q?Caf=C3=A9?=\r\nMessage-Context: pager-message\r\n', 'sms', 'Caf\u00e9 at 8?\r\n')).toEqual([]);
    expect(correlatorRules('Message-Correlator: tomorrow\r\nMessage-Context: pager-message\r\n')).toEqual(['correlator.sms-text mo.message-correlator.sms-text']);
    expect(correlatorRules('Message-Correlator: Are you coming\r\nMessage-Context: pager-message\r\n', 'sms', 'QXJlIHlvdSBjb21pbmcgdG9uaWdodD8=\r\n', 'Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n')).toEqual([]);
  });

  it('skips the fragment check when the text cannot be read', () => {
    expect(correlatorRules('Message-Correlator: tomorrow\r\nMessage-Context: pager-message\r\n', 'sms', '<x/>\r\n', 'Content-Type: application/xml\r\n')).toEqual([]);
  });

  it('checks the value type implied by the context', () => {
    expect(correlatorRules('Message-Correlator: 103015261610014200000\r\nMessage-Context: multimedia-message\r\n', 'mms')).toEqual([]);
    expect(correlatorRules('Message-Correlator: Are you\r\nMessage-Context: multimedia-message\r\n', 'mms')).toEqual(['correlator.value-type mo.message-correlator.matches-context']);
    expect(correlatorRules('Message-Correlator: 42\r\nMessage-Context: fax-message\r\n')).toEqual(['correlator.value-type mo.message-correlator.matches-context']);
    expect(correlatorRules('Message-Correlator: \r\nMessage-Context: pager-message\r\n')).toEqual(['correlator.value-type mo.message-correlator.matches-context']);
  });

  it('reads the SMS text of the encapsulated part', () => {
    expect(smsText(parseCpimBody(sms('', 'Hello\r\n').body).message)).toBe('Hello\r\n');
    expect(smsText(undefined)).toBeUndefined();
  });
});
