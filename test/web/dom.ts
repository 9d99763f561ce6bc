// Reads rendered HTML the way a browser does (entities in attributes and text decoded once), so tests
// assert on what the user and the browser actually get, not on raw markup.
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

export interface Dom {
  all(predicate: (el: Element) => boolean): Element[];
  byClass(cls: string): Element[];
  byId(id: string): Element | null;
  byTag(tag: string): Element[];
  attr(el: Element, name: string): string | undefined;
  text(el: Element): string;
}

export function parseHtml(markup: string): Dom {
  const doc = parseDocument(markup, { decodeEntities: true });
  const all = (predicate: (el: Element) => boolean): Element[] =>
    DomUtils.findAll((el) => predicate(el as Element), doc.children) as Element[];
  return {
    all,
    byClass: (cls) => all((el) => (el.attribs['class'] ?? '').split(/\s+/).includes(cls)),
    byId: (id) => all((el) => el.attribs['id'] === id)[0] ?? null,
    byTag: (tag) => all((el) => el.name === tag),
    attr: (el, name) => el.attribs[name],
    text: (el) => DomUtils.textContent(el).replace(/\s+/g, ' ').trim(),
  };
}
