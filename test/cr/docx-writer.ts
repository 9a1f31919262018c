// A minimal .docx of a CR text, for the round-trip test: each line a paragraph; a table (its tab-indented cells,
// three to a row, up to the "Table N:" caption) a real Word table. The zip is written by hand (stored entries).
import { crc32 } from 'node:zlib';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const para = (s: string): string => `<w:p><w:r><w:t xml:space="preserve">${esc(s)}</w:t></w:r></w:p>`;

export function crTextToDocumentXml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const body: string[] = [];
  let cells: string[][] | null = null;
  const flushTable = (): void => {
    if (!cells) return;
    const rows: string[] = [];
    for (let i = 0; i < cells.length; i += 3) {
      const tcs = cells.slice(i, i + 3).map((c) => `<w:tc>${c.map(para).join('') || para('')}</w:tc>`);
      rows.push(`<w:tr>${tcs.join('')}</w:tr>`);
    }
    body.push(`<w:tbl>${rows.join('')}</w:tbl>`);
    cells = null;
  };
  // A long line ending mid-sentence was wrapped: it continues into the next line's paragraph.
  const paragraphs: string[] = [];
  let open = false;
  for (const line of lines) {
    const t = line.trim();
    if (open && t && !line.startsWith('\t') && !/^(?:\d+\.|[-·•])\s|^(?:NOTE|Note|Editor)/.test(t)) {
      paragraphs[paragraphs.length - 1] += ` ${t}`;
    } else {
      paragraphs.push(line.startsWith('\t') ? `\t${t}` : t);
    }
    open = t.length >= 50 && !/[.:;,]$/.test(t) && !/^(?:\d+(?:\.(?:\d+|x))+|Table \d+:.*)$/.test(t) && !line.startsWith('\t');
  }
  for (const line of paragraphs) {
    if (/^Table \d+:/.test(line.trim()) && cells) flushTable();
    if (line.startsWith('\t')) {
      cells ??= [];
      cells.push([line.slice(1).trim()]);
    } else if (cells && cells.length > 0) {
      if (line.trim()) cells.at(-1)!.push(line.trim());
    } else if (line.trim()) {
      body.push(para(line.trim()));
    }
  }
  flushTable();
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body.join('')}</w:body></w:document>`;
}

/** A zip archive of stored (uncompressed) entries. */
export function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content, 'utf8');
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += local.length + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function crTextToDocx(text: string): Buffer {
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml': crTextToDocumentXml(text),
  });
}
