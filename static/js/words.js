// Long words on the projector (German compounds in a narrow grid cell): the CSS asks for
// `hyphens: auto` (the text carries its pitch's `lang`), but a browser without a hyphenation
// dictionary would then break "Fahrradreparatur" anywhere, without a hyphen. Here each word that
// does not fit its line gets soft hyphens between its syllables (a rough rule: break before the
// longest consonant group that can start a syllable), so the browser breaks it with a hyphen.
const VOWELS = /[aeiouyäöüéèáàâêíóú]/i;
const TOKENS = /\S{7,}/g; // shorter words always fit a line
const LETTERS = /\p{L}{7,}/gu;
// No "dr" or "tr": German compounds join there more often than syllables do (Fahrrad|reparatur).
const ONSETS = new Set(["bl", "br", "ch", "ck", "fl", "fr", "gl", "gr", "kl", "kn", "kr", "pf", "ph", "pl", "pr",
  "qu", "sch", "schl", "schm", "schn", "schr", "schw", "sp", "spr", "st", "str", "th", "zw"]);
const SHY = "\u00ad";
// Two German habits the rule above gets wrong: a prefix before a vowel ("ver|ordnung", not
// "ve|rordnung") and the joining s after a suffix ("Freiheits|anforderungen", not "Freiheit|s…").
const PREFIXES = new Set(["ver", "vor", "zer", "her", "hin", "ent"]);
const JOINS = /(heit|keit|ung|schaft|tion|tät)s(?=\p{L}{3})/giu;

function syllables(word) {
  // Positions where a hyphen may go: after a vowel group, before the syllable's opening consonants.
  const cuts = [];
  let i = 0;
  while (i < word.length && !VOWELS.test(word[i])) i += 1;
  while (i < word.length) {
    while (i < word.length && VOWELS.test(word[i])) i += 1; // the vowel group (no break inside "ie")
    const start = i;
    while (i < word.length && !VOWELS.test(word[i])) i += 1; // the consonants after it
    if (i >= word.length) break; // the word's last consonants stay with it
    const group = word.slice(start, i).toLowerCase();
    let onset = 1;
    for (let n = group.length; n > 1; n -= 1) if (ONSETS.has(group.slice(-n))) { onset = n; break; }
    let cut = group.length ? i - Math.min(onset, group.length) : -1;
    if (group.length === 1 && PREFIXES.has(word.slice(cut - 2, cut + 1).toLowerCase())) cut += 1;
    if (cut >= 2 && word.length - cut >= 3) cuts.push(cut);
  }
  for (const m of word.matchAll(JOINS)) {
    const join = m.index + m[0].length;
    const near = cuts.findIndex((c) => Math.abs(c - join) <= 1);
    if (near >= 0) cuts[near] = join;
  }
  return [...new Set(cuts)].sort((a, b) => a - b);
}

export function hyphenate(word) {
  let out = word;
  for (const cut of syllables(word).reverse()) out = `${out.slice(0, cut)}${SHY}${out.slice(cut)}`;
  return out;
}

function brokenWithoutHyphen(range) {
  // The word runs over more than one line (overflow-wrap: anywhere broke it).
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return tops.size > 1;
}

export function fitWords(root) {
  // Soft-hyphenate the long words under ``root`` that the browser had to break mid-word.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent.length >= 7) nodes.push(n);
  for (const node of nodes) {
    if (!node.parentElement || !node.parentElement.getClientRects().length) continue; // not on screen
    const text = node.textContent;
    if (text.includes(SHY)) continue;
    const range = document.createRange();
    let changed = false;
    const out = text.replace(TOKENS, (token, at) => {
      // "Einsteiger:" as a whole: the browser may break it before the colon.
      range.setStart(node, at);
      range.setEnd(node, at + token.length);
      if (!brokenWithoutHyphen(range)) return token;
      changed = true;
      return token.replace(LETTERS, hyphenate);
    });
    if (changed) node.textContent = out;
  }
}
