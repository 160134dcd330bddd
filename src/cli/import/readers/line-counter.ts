/**
 * Line numbers of byte offsets in a file read chunk by chunk, for the readers whose parser gives
 * byte offsets but counts lines its own way (csv-parse counts record delimiters, so a line feed
 * inside a quoted cell of a CRLF file is not a line to it; @streamparser/json counts none). A line
 * is ended by a line feed, as editors count them. Each chunk is scanned once; a chunk is let go
 * once the offsets asked about have passed it.
 */
const LINE_FEED = 0x0a;

interface Chunk {
  bytes: Buffer;
  /** File offset of bytes[0]. */
  offset: number;
}

export class LineCounter {
  private readonly chunks: Chunk[] = [];
  /** Line feeds before this offset are counted. */
  private countedTo: number;
  private line: number;
  /** File offset of the next line feed at or after `countedTo` in chunks[0]; Infinity: none there. */
  private nextLineFeed: number | null = null;
  private pushedTo: number;

  /** `line` is the line the byte at `offset` is on: where the chunks pushed start. */
  constructor(offset: number, line: number) {
    this.countedTo = offset;
    this.pushedTo = offset;
    this.line = line;
  }

  /** The next bytes of the file. */
  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push({ bytes, offset: this.pushedTo });
    this.pushedTo += bytes.length;
  }

  /** Offset after the last byte pushed. */
  get end(): number {
    return this.pushedTo;
  }

  /** The line the byte at `offset` is on. Offsets asked about must not decrease. */
  lineAt(offset: number): number {
    while (this.countedTo < offset) {
      const chunk = this.chunks[0];
      if (!chunk) throw new RangeError(`line of offset ${offset}: only ${this.pushedTo} bytes were read`);
      const chunkEnd = chunk.offset + chunk.bytes.length;
      const countTo = Math.min(offset, chunkEnd);
      this.nextLineFeed ??= this.lineFeedFrom(chunk, this.countedTo);
      while (this.nextLineFeed < countTo) {
        this.line++;
        this.nextLineFeed = this.lineFeedFrom(chunk, this.nextLineFeed + 1);
      }
      this.countedTo = countTo;
      if (countTo === chunkEnd) {
        this.chunks.shift();
        this.nextLineFeed = null;
      }
    }
    return this.line;
  }

  /** The bytes from `start` to `end`; `start` must not be before the last offset asked about. */
  bytes(start: number, end: number): Buffer {
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) {
      const from = Math.max(start, chunk.offset) - chunk.offset;
      const to = Math.min(end, chunk.offset + chunk.bytes.length) - chunk.offset;
      if (to > from) parts.push(chunk.bytes.subarray(from, to));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The bytes from `start` to `end` as text, under the same condition. */
  text(start: number, end: number): string {
    return this.bytes(start, end).toString('utf8');
  }

  /** The byte at `offset`, under the same condition as `text`. */
  byteAt(offset: number): number | undefined {
    const chunk = this.chunks.find((c) => offset >= c.offset && offset < c.offset + c.bytes.length);
    return chunk?.bytes[offset - chunk.offset];
  }

  private lineFeedFrom(chunk: Chunk, offset: number): number {
    const index = chunk.bytes.indexOf(LINE_FEED, offset - chunk.offset);
    return index === -1 ? Infinity : chunk.offset + index;
  }
}
