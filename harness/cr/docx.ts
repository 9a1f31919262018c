// A .docx CR (as OMA and 3GPP circulate them) as the plain text extract.ts reads: mammoth turns the document into
// simple HTML; paragraphs become lines, list items keep their marker, and each table cell's first paragraph starts
// with a tab, as in a CR saved as text (fixtures/spec/cr-text.txt).
import mammoth from 'mammoth';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const stripTags = (s: string): string => decode(s.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ''));

/** Paragraphs of an HTML fragment without tables: one string per <p>, heading or list item. */
function paragraphs(html: string): string[] {
  const out: string[] = [];
  const re = /<(ol|ul)\b[^>]*>([\s\S]*?)<\/\1>|<(p|h[1-6])\b[^>]*>([\s\S]*?)<\/\3>/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1]) {
      let n = 0;
      for (const li of m[2]!.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/gi)) {
        n++;
        out.push(`${m[1].toLowerCase() === 'ol' ? `${n}.` : '-'} ${stripTags(li[1]!).trim()}`);
      }
    } else {
      out.push(stripTags(m[4]!).trim());
    }
  }
  return out;
}

/** The text of mammoth's HTML: blocks separated by blank lines; a table row's cells each start with a tab. */
export function htmlToCrText(html: string): string {
  const blocks: string[] = [];
  const re = /<table\b[^>]*>([\s\S]*?)<\/table>/gi;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    blocks.push(...paragraphs(html.slice(last, m.index)));
    for (const tr of m[1]!.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)) {
      const cells = [...tr[1]!.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((td) => {
        const ps = paragraphs(td[1]!);
        const inline = ps.length === 0 ? [stripTags(td[1]!).trim()] : ps;
        return inline.map((p, i) => (i === 0 ? `\t${p}` : p)).join('\n\n');
      });
      blocks.push(cells.join('\n'));
    }
    last = m.index + m[0].length;
  }
  blocks.push(...paragraphs(html.slice(last)));
  return `${blocks.join('\n\n')}\n`;
}

/** Reads a .docx; throws with mammoth's reason when the bytes are not a Word document. */
export async function docxToText(buffer: Buffer): Promise<{ text: string; messages: string[] }> {
  const result = await mammoth.convertToHtml({ buffer });
  return { text: htmlToCrText(result.value), messages: result.messages.map((m) => `${m.type}: ${m.message}`) };
}
