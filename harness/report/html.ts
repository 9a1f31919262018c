// The Markdown reports (traceability, conformance statement, test specification) also as self-contained HTML:
// a converter for exactly the Markdown those generators write (headings, paragraphs, lists, pipe tables,
// `code`, **bold**; a long cell collapses into <details>), an inline stylesheet and no script, so the pages render offline and call nothing.

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escapes text for a Markdown table cell or line: pipes and line breaks would break the table. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function inline(text: string): string {
  // Code spans first, so that ** inside code stays literal; <br> is the only raw tag the generators emit.
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) return `<code>${escapeHtml(part.slice(1, -1).replace(/\\\|/g, '|'))}</code>`;
      return escapeHtml(part)
        .replace(/&lt;br&gt;/g, '<br>')
        .replace(/\\\|/g, '|')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(#([A-Za-z0-9._-]+)\)/g, '<a href="#$2">$1</a>');
    })
    .join('');
}

/** Cells listing more than this many lines are collapsed in the HTML page (the Markdown keeps every line). */
const COLLAPSE_AFTER = 12;

function collapsible(cell: string): string {
  const items = cell.split('<br>');
  if (items.length <= COLLAPSE_AFTER) return inline(cell);
  return `${inline(items.slice(0, COLLAPSE_AFTER).join('<br>'))}<details><summary>${items.length - COLLAPSE_AFTER} more</summary>${inline(items.slice(COLLAPSE_AFTER).join('<br>'))}</details>`;
}

export function anchorOf(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-|-$/g, '');
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && line[i + 1] === '|') {
      cur += '\\|';
      i++;
    } else if (ch === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells.slice(1, -1);
}

export function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level} id="${anchorOf(heading[2]!)}">${inline(heading[2]!)}</h${level}>`);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(splitRow(lines[i++]!));
      const [head, , ...body] = rows;
      out.push(
        '<table>',
        `<thead><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
        ...body.map((r) => `<tr>${r.map((c) => `<td>${collapsible(c)}</td>`).join('')}</tr>`),
        '</tbody></table>',
      );
    } else if (/^\s*[-*] /.test(line)) {
      out.push('<ul>');
      while (i < lines.length && /^\s*[-*] /.test(lines[i]!)) out.push(`<li>${inline(lines[i++]!.replace(/^\s*[-*] /, ''))}</li>`);
      out.push('</ul>');
    } else if (/^\d+\. /.test(line)) {
      out.push('<ol>');
      while (i < lines.length && /^\d+\. /.test(lines[i]!)) out.push(`<li>${inline(lines[i++]!.replace(/^\d+\. /, ''))}</li>`);
      out.push('</ol>');
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.startsWith('```')) code.push(lines[i++]!);
      i++;
      out.push(`<pre>${escapeHtml(code.join('\n'))}</pre>`);
    } else if (line.startsWith('> ')) {
      out.push(`<blockquote>${inline(line.slice(2))}</blockquote>`);
      i++;
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && !/^(#|\||\s*[-*] |\d+\. |```|> )/.test(lines[i]!)) para.push(lines[i++]!);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:78em;padding:0 1em;color:#1b1f23}
table{border-collapse:collapse;margin:.6em 0 1.2em}th,td{border:1px solid #d0d7de;padding:.25em .55em;vertical-align:top;text-align:left}
th{background:#f6f8fa}code{background:#f6f8fa;padding:0 .25em;border-radius:3px;font-size:92%}pre{background:#f6f8fa;padding:.6em;overflow:auto}
h1{border-bottom:2px solid #d0d7de}h2{border-bottom:1px solid #d0d7de;margin-top:1.6em}blockquote{border-left:4px solid #d0d7de;margin:0;padding:0 1em;color:#57606a}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}details summary{cursor:pointer;color:#0969da}`;

/** A complete, self-contained HTML page for a Markdown report; `extra` is HTML appended to the body (charts). */
export function htmlPage(title: string, md: string, extra = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${markdownToHtml(md)}${extra ? `\n${extra}` : ''}
</body></html>
`;
}
