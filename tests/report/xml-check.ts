/**
 * A minimal, strict XML 1.0 well-formedness checker and parser for the JUnit
 * tests: one root, matching tags, quoted attributes without duplicates, only
 * predefined or numeric entity references, no raw '<' or '&' in text, no
 * forbidden characters. Throws with the offset of the first problem.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded text directly inside this element. */
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9._:-]*/;
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`raw '<' in text or attribute near offset ${at}`);
  return raw.replace(/&([^;&\s]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new Error(`unterminated entity reference '${m}' near offset ${at}`);
    if (ref in ENTITY) return ENTITY[ref] ?? '';
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (num?.[1] !== undefined) return String.fromCodePoint(parseInt(num[1], ref.startsWith('#x') ? 16 : 10));
    throw new Error(`unknown entity '&${ref};' near offset ${at}`);
  });
}

/** Parses `xml`, throwing on the first well-formedness error. */
export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error('document contains a character XML 1.0 forbids');
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipWs = (): void => {
    while (i < xml.length && /\s/.test(xml[i] ?? '')) i++;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text, i);
    else if (text.trim() !== '') throw new Error(`text outside the root element at offset ${i}`);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) throw new Error(`unterminated comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      i += 2;
      const m = NAME.exec(xml.slice(i));
      if (!m) throw new Error(`bad closing tag at ${i}`);
      i += m[0].length;
      skipWs();
      if (xml[i] !== '>') throw new Error(`expected '>' at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`closing </${m[0]}> does not match <${open?.name ?? '(none)'}>`);
      continue;
    }
    i++;
    const m = NAME.exec(xml.slice(i));
    if (!m) throw new Error(`bad tag name at ${i}`);
    i += m[0].length;
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipWs();
      if (xml.startsWith('/>', i) || xml[i] === '>') break;
      if (i === before) throw new Error(`expected whitespace before attribute at ${i}`);
      const a = NAME.exec(xml.slice(i));
      if (!a) throw new Error(`bad attribute name at ${i}`);
      i += a[0].length;
      skipWs();
      if (xml[i] !== '=') throw new Error(`expected '=' at ${i}`);
      i++;
      skipWs();
      const q = xml[i];
      if (q !== '"' && q !== "'") throw new Error(`unquoted attribute value at ${i}`);
      const end = xml.indexOf(q, i + 1);
      if (end < 0) throw new Error(`unterminated attribute value at ${i}`);
      if (a[0] in el.attrs) throw new Error(`duplicate attribute ${a[0]} at ${i}`);
      el.attrs[a[0]] = decode(xml.slice(i + 1, end), i);
      i = end + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new Error(`second root element <${el.name}> at ${i}`);
    else root = el;
    if (xml.startsWith('/>', i)) i += 2;
    else {
      i++;
      stack.push(el);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** All descendants named `name`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    out.push(...findAll(c, name));
  }
  return out;
}
