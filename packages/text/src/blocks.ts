// Text files of samples: one sample a line, or (hierarchical) one sentence a line with a
// blank line between samples. One reader of each layout, shared by raw text and token files.

/** Lines of a file, without a BOM; a final newline does not add a line. */
export function fileLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Samples as blocks of non-blank lines; one or more blank (or whitespace-only) lines end a sample. */
export function lineBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let cur: string[] | undefined;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line.trim() === '') {
      if (cur) blocks.push(cur);
      cur = undefined;
      continue;
    }
    (cur ??= []).push(line);
  }
  if (cur) blocks.push(cur);
  return blocks;
}

/**
 * Sentences of a raw text, split after `.`, `!`, `?` or `…` (several in a row count as
 * one, closing quotes and brackets stay with the sentence) followed by whitespace. The
 * rule is kept plain so that a user can predict it; abbreviations ("Dr. Who") split too,
 * which is why the split is shown and can be given instead as one sentence a line.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…]+["'”’)\]]*)\s+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
