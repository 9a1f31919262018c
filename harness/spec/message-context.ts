// Message-Context (RFC 3458), as used by Table 1 (legacy SMS / MMS objects) and Table 6 (voicemail).
//
//   Message-Context = "Message-Context" ":" [CFWS] message-context-class [CFWS]
//   message-context-class = "voice-message" / "fax-message" / "pager-message" / "multimedia-message"
//                           / "text-message" / "none"                    ; + "video-message" (RFC 3938)
// The class is a bare token, case-insensitive (NMS Appendix I). A quoted value, as deployed by one store
// (`"multimedia-message"`, notes §3.2), is not RFC 3458 syntax: `message-context.syntax`. A token outside the
// registered classes is syntactically fine; whether it is allowed is decided by the kind's value constraint.
import { finding, type Finding } from './types.js';

export const MESSAGE_CONTEXT_CLASSES = [
  'voice-message',
  'fax-message',
  'pager-message',
  'multimedia-message',
  'text-message',
  'none',
  'video-message',
] as const;

export interface MessageContext {
  /** The class, lower-cased; for a quoted value the text between the quotes. */
  value: string;
  quoted: boolean;
  /** Whether the value is a bare token (the only RFC 3458 form). */
  token: boolean;
  registered: boolean;
}

const TOKEN = /^[A-Za-z0-9-]+$/;

export function parseMessageContext(raw: string): MessageContext {
  // CFWS around the class: drop comments, then white space.
  const v = raw.replace(/\([^()]*\)/g, ' ').trim();
  const quoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"');
  const inner = (quoted ? v.slice(1, -1).trim() : v).toLowerCase();
  return {
    value: inner,
    quoted,
    token: !quoted && TOKEN.test(v),
    registered: (MESSAGE_CONTEXT_CLASSES as readonly string[]).includes(inner),
  };
}

/**
 * Syntax and, when `allowed` is given, value of a Message-Context header.
 * `valueRequirement` is the requirement behind the allowed values (e.g. mo.message-context.legacy-values).
 */
export function checkMessageContext(
  raw: string,
  syntaxRequirement: string,
  allowed?: readonly string[],
  valueRequirement: string = syntaxRequirement,
): Finding[] {
  const ctx = parseMessageContext(raw);
  const out: Finding[] = [];
  if (!ctx.token) {
    out.push(finding('message-context.syntax', syntaxRequirement, 'RFC 3458 message-context-class token, unquoted', raw, 'Message-Context'));
  }
  if (allowed && !allowed.includes(ctx.value)) {
    out.push(finding('message-context.value', valueRequirement, allowed.join(' or '), raw, 'Message-Context'));
  }
  return out;
}
