import { describe, expect, it } from 'vitest';
import { checkContentType, checkCpimBody, isCpimContentType, parseCpimBody, parseMediaType } from '../../harness/spec/index.js';

const body = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'));
const GOOD = `From: MR SANDERS <im:piglet@100akerwood.com>
To: Depressed Donkey <im:eeyore@100akerwood.com>
DateTime: 2000-12-13T13:40:00-08:00
Subject: the weather will be fine today
NS: MyFeatures <mid:MessageFeatures@id.foo.com>
Require: MyFeatures.VitalMessageOption
MyFeatures.VitalMessageOption: Confirmation-requested
NS: imdn <urn:ietf:params:imdn>
imdn.Message-ID: 34jk324j

Content-Type: text/xml; charset=utf-8
Content-ID: <1234567890@foo.com>

<body>Here is the text of my message.</body>
`;

describe('Content-Type', () => {
  it('compares media types case-insensitively and parses parameters with libmime', () => {
    expect(isCpimContentType('Message/CPIM')).toBe(true);
    expect(isCpimContentType('message/cpim; charset="utf-8"')).toBe(true);
    expect(isCpimContentType('message/cpim2')).toBe(false);
    expect(parseMediaType('multipart/related; boundary=cpm;\r\n type="Application/X-CPM-File-Transfer"')).toEqual({
      type: 'multipart/related',
      params: { boundary: 'cpm', type: 'Application/X-CPM-File-Transfer' },
    });
  });
  it('reports syntax under the row and a wrong type under the value requirement', () => {
    const cpim = { mediaType: 'message/cpim', requirement: 'mo.content-type.cpim' };
    expect(checkContentType('MESSAGE/CPIM', 'mo.content-type', cpim)).toEqual([]);
    expect(checkContentType('text/plain', 'mo.content-type', cpim).map((f) => `${f.rule} ${f.requirement}`)).toEqual(['content-type.cpim mo.content-type.cpim']);
    expect(checkContentType('text', 'mo.content-type', cpim).map((f) => `${f.rule} ${f.requirement}`)).toEqual(['content-type.syntax mo.content-type']);
    expect(checkContentType('text/plain', 'mo.content-type')).toEqual([]);
  });
});

describe('RFC 3862 body', () => {
  it('parses the RFC 3862 example: headers, namespaces, imdn.Message-ID, encapsulated object', () => {
    const p = parseCpimBody(body(GOOD));
    expect(p.structure).toEqual([]);
    expect(p.header).toEqual([]);
    expect(p.message?.headers.map((h) => h.name)).toEqual(['From', 'To', 'DateTime', 'Subject', 'NS', 'Require', 'MyFeatures.VitalMessageOption', 'NS', 'imdn.Message-ID']);
    expect(p.message?.namespaces.get('imdn')).toBe('urn:ietf:params:imdn');
    expect(p.message?.imdnMessageId).toBe('34jk324j');
    expect(p.message?.encapsulated.contentType?.type).toBe('text/xml');
    expect(p.message?.encapsulated.body.toString()).toBe('<body>Here is the text of my message.</body>\r\n');
  });

  it('finds imdn.Message-ID through whatever prefix NS binds to the IMDN namespace', () => {
    const p = parseCpimBody(body('NS: i <urn:ietf:params:imdn>\ni.Message-ID: abc\n\nContent-Type: text/plain\n\nx\n'));
    expect(p.message?.imdnMessageId).toBe('abc');
    expect(parseCpimBody(body('NS: imdn <urn:example>\nimdn.Message-ID: abc\n\nContent-Type: text/plain\n\nx\n')).message?.imdnMessageId).toBeUndefined();
  });

  it.each([
    ['no empty line at all', 'From: <sip:a@b>\nTo: <sip:c@d>\n'],
    ['no CPIM headers', '\nContent-Type: text/plain\n\nhello\n'],
    ['encapsulated object without headers', 'From: <sip:a@b>\n\nhello there\n'],
    ['encapsulated object without Content-Type', 'From: <sip:a@b>\n\nContent-ID: <x@y>\n\nhello\n'],
    ['encapsulated object without empty line', 'From: <sip:a@b>\n\nContent-Type: text/plain\n'],
    ['header without space after the colon', 'From:<sip:a@b>\n\nContent-Type: text/plain\n\nx\n'],
    ['not a header line', 'From <sip:a@b>\n\nContent-Type: text/plain\n\nx\n'],
  ])('cpim.structure: %s', (_why, text) => {
    const r = checkCpimBody(body(text), 'mo.content-type.cpim');
    expect(new Set(r.findings.map((f) => f.rule))).toEqual(new Set(['cpim.structure']));
    expect(r.findings[0]).toMatchObject({ requirement: 'mo.content-type.cpim', header: 'Message-body' });
  });

  it.each([
    ['From without <URI>', 'From: sip:a@b\n'],
    ['To with a bare name', 'To: Bob\n'],
    ['DateTime not RFC 3339', 'DateTime: Fri, 30 Oct 2015 16:26:16 +0100\n'],
    ['DateTime with an impossible date', 'DateTime: 2015-02-30T10:00:00Z\n'],
    ['undeclared prefix', 'imdn.Message-ID: abc\n'],
    ['prefix declared after use', 'imdn.Message-ID: abc\nNS: imdn <urn:ietf:params:imdn>\n'],
    ['NS without <URI>', 'NS: imdn urn:ietf:params:imdn\n'],
  ])('cpim.header: %s', (_why, headers) => {
    const r = checkCpimBody(body(`${headers}\nContent-Type: text/plain\n\nx\n`), 'vm.content-type');
    expect(r.findings.map((f) => `${f.rule} ${f.requirement}`)).toEqual(['cpim.header vm.content-type']);
  });

  it('case matters for CPIM header names: "from" is not the From header', () => {
    expect(checkCpimBody(body('from: not checked\n\nContent-Type: text/plain\n\nx\n'), 'mo.content-type.cpim').findings).toEqual([]);
  });
});
