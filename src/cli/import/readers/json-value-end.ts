/**
 * Where a JSON value that the parser refused ends, found by balancing brackets and strings only,
 * so that a malformed element of the array fails alone: the reader reports it and starts a new
 * parser after it.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

export class JsonValueEnd {
  /** An object or array, a string, or a number or literal (which ends at a comma, a bracket or a space). */
  private kind: 'nested' | 'string' | 'scalar' | null = null;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Scans `bytes` (at file offset `offset`) on from the bytes scanned before; the offset after the value, or -1. */
  scan(bytes: Buffer, offset: number): number {
    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at]!;
      if (this.kind === null) {
        this.kind = byte === OPEN_BRACE || byte === OPEN_BRACKET ? 'nested' : byte === QUOTE ? 'string' : 'scalar';
        this.depth = this.kind === 'nested' ? 1 : 0;
        this.inString = this.kind === 'string';
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') return offset + at + 1;
        }
      } else if (this.kind === 'scalar') {
        if (byte === COMMA || byte === CLOSE_BRACKET || isSpace(byte)) return offset + at;
      } else if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) return offset + at + 1;
      }
    }
    return -1;
  }
}
