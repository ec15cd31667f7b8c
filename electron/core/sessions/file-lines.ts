/**
 * The lines of a file, read in blocks (issue 11, L36): a staged store archive can be hundreds of
 * MB, more than one JavaScript string may hold, so it is never read whole. Lines split on "\n";
 * a final empty line (the file's trailing newline) is not yielded, as `text.split('\n')` callers
 * drop it.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const BLOCK_BYTES = 1024 * 1024;

export function* fileLines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const block = Buffer.alloc(BLOCK_BYTES);
    let rest = '';
    for (;;) {
      const read = fs.readSync(fd, block, 0, BLOCK_BYTES, null);
      rest += read === 0 ? decoder.end() : decoder.write(block.subarray(0, read));
      const lines = rest.split('\n');
      rest = lines.pop()!;
      yield* lines;
      if (read === 0) break;
    }
    if (rest !== '') yield rest;
  } finally {
    fs.closeSync(fd);
  }
}
