// Selectors into a parsed PUSH payload: RFC 9535 JSONPath (`$…`, evaluated by jsonpath-rfc9535) or RFC 6901 JSON
// Pointer (`/…`, or "" for the whole value). One function decides which, so every field of a binding reads alike.
import { query, type JsonValue } from 'jsonpath-rfc9535';
import { jsonPointerGet, parseJsonPointer } from './json-pointer.js';
import type { FieldSelector, KindRule } from './binding.js';

export type SelectorSyntax = 'jsonpath' | 'pointer';

export function selectorSyntax(selector: string): SelectorSyntax {
  return selector.startsWith('$') ? 'jsonpath' : 'pointer';
}

/** Why a selector cannot be used, or undefined when it parses. */
export function selectorProblem(selector: string): string | undefined {
  try {
    if (selectorSyntax(selector) === 'pointer') parseJsonPointer(selector);
    else query({}, selector);
    return undefined;
  } catch (e) {
    const what = selectorSyntax(selector) === 'pointer' ? 'an RFC 6901 JSON Pointer' : 'an RFC 9535 JSONPath';
    return `${JSON.stringify(selector)} is not ${what}: ${(e as Error).message}`;
  }
}

/** The nodes a selector selects in `value` (a pointer selects at most one). */
export function select(value: unknown, selector: string): unknown[] {
  if (selectorSyntax(selector) === 'pointer') {
    const v = jsonPointerGet(value, selector);
    return v === undefined ? [] : [v];
  }
  return query(value as JsonValue, selector);
}

/** Where a field selector is evaluated: the event, or the whole notification. */
export function selectField(event: unknown, notification: unknown, f: Pick<FieldSelector, 'selector' | 'scope'>): unknown[] {
  return select(f.scope === 'notification' ? notification : event, f.selector);
}

/** A scalar as the string it stands for (XML text, JSON strings and numbers); undefined for anything else. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // An XML element with attributes keeps its text under #text.
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>)['#text'] === 'string') {
    return (v as Record<string, string>)['#text'];
  }
  return undefined;
}

/** Whether `event` satisfies the kind rule. */
export function ruleHolds(rule: KindRule, event: unknown, notification: unknown): boolean {
  if ('all' in rule) return rule.all.every((r) => ruleHolds(r, event, notification));
  if ('any' in rule) return rule.any.some((r) => ruleHolds(r, event, notification));
  if ('not' in rule) return !ruleHolds(rule.not, event, notification);
  const nodes = selectField(event, notification, { selector: rule.selector, scope: rule.scope ?? 'event' });
  const hit = rule.equals === undefined ? nodes.length > 0 : nodes.some((n) => {
    const text = scalarText(n);
    return text !== undefined && rule.equals!.includes(text);
  });
  return rule.absent ? !hit : hit;
}

/** Every selector a kind rule uses (for the profile lint). */
export function ruleSelectors(rule: KindRule): string[] {
  if ('all' in rule) return rule.all.flatMap(ruleSelectors);
  if ('any' in rule) return rule.any.flatMap(ruleSelectors);
  if ('not' in rule) return ruleSelectors(rule.not);
  return [rule.selector];
}
