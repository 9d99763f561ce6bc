// Where decoded HTML text came from. A browser lints what it decoded ("&amp;" is "&"), but a person
// fixing the page needs the link as written and its line: this maps offsets in decoded text back to
// the source. Text arrives in pieces: runs copied verbatim, and entities (one raw span, one or two
// decoded characters). An offset inside an entity maps to the whole entity.

interface Piece {
  readonly decodedStart: number;
  readonly text: string;
  rawStart: number;
  rawEnd: number;
  /** True when the raw span is the decoded text itself, so offsets inside it map one to one. */
  readonly verbatim: boolean;
}

export class DecodedText {
  readonly #pieces: Piece[] = [];
  #length = 0;
  /** Entities whose raw end is known only when the next verbatim run (or the end) arrives. */
  #open: Piece[] = [];
  readonly #regionStart: number;

  /** `regionStart`: where the text starts in the source, when known (for an entity at the very start). */
  constructor(regionStart = -1) {
    this.#regionStart = regionStart;
  }

  /** The decoded text so far. */
  get text(): string {
    return this.#pieces.map((p) => p.text).join('');
  }

  /** A run copied verbatim from source[rawStart, rawEnd). */
  addVerbatim(text: string, rawStart: number): void {
    this.#close(rawStart);
    this.#push(text, rawStart, rawStart + text.length, true);
  }

  /**
   * Decoded text of an entity. `rawStart`/`rawEnd` when known; otherwise the span runs from the end of
   * the previous piece to the start of the next verbatim run (or `end()`).
   */
  addEntity(text: string, rawStart?: number, rawEnd?: number): void {
    const start = rawStart ?? this.#pieces.at(-1)?.rawEnd ?? this.#regionStart;
    const piece = this.#push(text, start, rawEnd ?? start, false);
    if (rawEnd === undefined) this.#open.push(piece);
  }

  /** Closes the last entities' spans at `rawEnd` (the end of the attribute value or text block). */
  end(rawEnd: number): void {
    this.#close(rawEnd);
  }

  /** The raw span [start, end) of decoded [start, end); null when nothing was recorded there. */
  rawSpan(start: number, end: number): { start: number; end: number } | null {
    const first = this.#pieceAt(start);
    const last = this.#pieceAt(end - 1);
    if (!first || !last || first.rawStart < 0) return null;
    const rawStart = first.verbatim ? first.rawStart + (start - first.decodedStart) : first.rawStart;
    const rawEnd = last.verbatim ? last.rawStart + (end - last.decodedStart) : last.rawEnd;
    return rawEnd > rawStart ? { start: rawStart, end: rawEnd } : null;
  }

  #push(text: string, rawStart: number, rawEnd: number, verbatim: boolean): Piece {
    const piece = { decodedStart: this.#length, text, rawStart, rawEnd, verbatim };
    this.#pieces.push(piece);
    this.#length += text.length;
    return piece;
  }

  #close(rawEnd: number): void {
    for (const p of this.#open) {
      if (p.rawStart < 0) p.rawStart = rawEnd;
      p.rawEnd = rawEnd;
    }
    this.#open = [];
  }

  #pieceAt(offset: number): Piece | undefined {
    // Binary search: pages can hold thousands of pieces.
    let lo = 0;
    let hi = this.#pieces.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.#pieces[mid] as Piece;
      if (offset < p.decodedStart) hi = mid - 1;
      else if (offset >= p.decodedStart + p.text.length) lo = mid + 1;
      else return p;
    }
    return undefined;
  }
}

/** 1-based line numbers of offsets in one text. */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
