// Just enough PDF reading to check a printed report without a PDF library: page count, and the
// document outline (bookmarks Chromium makes from the headings with page.pdf({ outline: true })).
import zlib from 'node:zlib';

/** The file's text with every Flate stream inflated (outline entries may sit in object streams). */
function expanded(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts = [raw];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end === -1) break;
    try {
      parts.push(zlib.inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // Not a Flate stream (an image, a font): nothing to read in it.
    }
    re.lastIndex = end;
  }
  return parts.join('\n');
}

function utf16be(bytes: number[]): string {
  let out = '';
  for (let i = 2; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
  return out;
}

function decodeString(token: string): string {
  let bytes: number[];
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    bytes = hex.match(/../g)!.map((h) => parseInt(h, 16));
  } else {
    const body = token.slice(1, -1);
    bytes = [];
    for (let i = 0; i < body.length; i++) {
      const ch = body[i];
      if (ch !== '\\') { bytes.push(body.charCodeAt(i)); continue; }
      const next = body[++i];
      const oct = /^[0-7]{1,3}/.exec(body.slice(i));
      if (oct) { bytes.push(parseInt(oct[0], 8)); i += oct[0].length - 1; }
      else bytes.push(({ n: 10, r: 13, t: 9, b: 8, f: 12 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return bytes[0] === 0xfe && bytes[1] === 0xff ? utf16be(bytes) : String.fromCharCode(...bytes);
}

export function pdfOutlineTitles(pdf: Buffer): string[] {
  const text = expanded(pdf);
  const re = /\/Title\s*(<[0-9A-Fa-f\s]*>|\((?:\\[\s\S]|[^\\)])*\))/g;
  return [...text.matchAll(re)].map((m) => decodeString(m[1]));
}

export function pdfPageCount(pdf: Buffer): number {
  return (expanded(pdf).match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
