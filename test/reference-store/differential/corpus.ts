// Messages the differential scripts APPEND: real MIME structures (nested message/rfc822, multipart/alternative
// inside multipart/mixed, a CPIM-wrapped chat message), address forms (groups, comments, source routes, quoted
// local parts), encoded words and 8-bit text.
const crlf = (lines: string[]): string => lines.join('\r\n');

export const PLAIN = crlf([
  'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'From: Alice <alice@example.com>', 'To: bob@example.com',
  'Subject: plain one', 'Message-ID: <plain-1@example.com>', '', 'Hello Bob,', 'a plain body.', '',
]);

export const NESTED = crlf([
  'Date: Wed, 25 Nov 2026 08:00:00 +0100', 'From: a@example.com', 'Subject: outer', 'MIME-Version: 1.0',
  'Content-Type: message/rfc822', '',
  'From: c@example.com', 'Subject: inner', 'Content-Type: multipart/mixed; boundary=XX', '',
  '--XX', 'Content-Type: text/plain', '', 'first',
  '--XX', 'Content-Type: message/rfc822', '', 'From: e@example.com', 'Subject: deepest', '', 'deep body',
  '--XX--', '',
]);

export const MIXED = crlf([
  'Date: Thu, 26 Nov 2026 23:59:59 -0800', 'From: "Mixed, Sender" <mixed@example.com>', 'To: bob@example.com',
  'Subject: mixed', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"', '',
  'preamble', '--outer', 'Content-Type: multipart/alternative; boundary="alt"', '',
  '--alt', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'caf\u00e9 plain',
  '--alt', 'Content-Type: text/html; charset=utf-8', '', '<p>caf\u00e9</p>', '--alt--', '',
  '--outer', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="fwd.eml"', '',
  'From: g@example.com', 'Subject: forwarded', '', 'forwarded body', '',
  '--outer', 'Content-Type: application/octet-stream; name="x.bin"', 'Content-Transfer-Encoding: base64',
  'Content-Disposition: attachment; filename="x.bin"', '', 'AAECAwQ=', '--outer--', 'epilogue', '',
]);

export const CPIM = crlf([
  'From: <tel:+15551230001>', 'To: <tel:+15551230002>', 'Date: Tue, 24 Nov 2026 10:00:00 +0000',
  'Subject: chat', 'Conversation-ID: Conv-7Fd3', 'IMDN-Message-ID: diff-1', 'Content-Type: Message/CPIM', '',
  'From: <tel:+15551230001>', 'To: <tel:+15551230002>', 'NS: imdn <urn:ietf:params:imdn>', 'imdn.Message-ID: diff-1', '',
  'Content-Type: text/plain; charset=utf-8', '', 'Hello Alice', '',
]);

export const ADDRESSES = crlf([
  'Date: Tue, 24 Nov 2026 23:30:00 -0500',
  'From: "Al (x)" <a.b@c.example> (Comment here), Foo Bar <@r1.example,@r2.example:u@h.example>, grp: x@y.example, (c2) z@w.example ;',
  'Sender: =?utf-8?q?Z=C3=BCrich?= <zu@example.ch>',
  'Reply-To: list:;',
  'To: undisclosed-recipients:;',
  'Cc: "quoted local"@ex.example, u2@h2.example (Just Comment), <plain@example.org>',
  'Bcc: "Esc \\"quoted\\" name" <esc@example.org>',
  'Subject: =?utf-8?q?caf=C3=A9?= and =?iso-8859-1?q?na=EFve?=',
  'In-Reply-To: <parent@example.com>',
  'Message-ID: <addr-1@example.com>', '', 'address test', '',
]);
