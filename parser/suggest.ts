/**
 * "Did you mean …?" for misspelled words: keywords here, table and column names in the binder.
 * Distances are optimal-string-alignment edits (insert, delete, substitute, swap two
 * neighbours), compared case-insensitively: `FORM` is one edit from `FROM`.
 */

/** Edit distance between `a` and `b`, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many edits a word of this length may contain and still count as a misspelling. */
export function allowedEdits(length: number): number {
  if (length < 3) return 0;
  if (length <= 5) return 1;
  if (length <= 9) return 2;
  return 3;
}

/**
 * Candidates close to `word`, closest first (ties keep the candidates' order), at most `limit`.
 * An exact (case-insensitive) match is never a suggestion: the word is not misspelled.
 */
export function suggestions(
  word: string,
  candidates: Iterable<string>,
  limit = 3,
  maxEdits = allowedEdits(word.length),
): string[] {
  const w = word.toLowerCase();
  const scored: { candidate: string; distance: number; order: number }[] = [];
  let order = 0;
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (seen.has(c)) continue;
    seen.add(c);
    if (c === w) return [];
    const distance = editDistance(w, c, maxEdits);
    if (distance <= maxEdits) scored.push({ candidate, distance, order: order++ });
  }
  scored.sort((x, y) => x.distance - y.distance || x.order - y.order);
  return scored.slice(0, limit).map((s) => s.candidate);
}

/** The closest candidate to a misspelled `word`, or undefined when none is close enough. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  return suggestions(word, candidates, 1)[0];
}
