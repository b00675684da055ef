"""Who an unmatched platform name may be: roster people scored against it, best first.

A platform's name is first stripped of what platforms and phones add ("(…)" parts, "iPhone
của …", "Galaxy A52", "Đ/c", a unit before or after a dash such as "UBND xã Phổ Hòa - …",
leading or trailing numbers). What remains is compared, without diacritics, to each person's
full name: difflib's ratio on the whole name (also read given name first, "An Nguyen Van"),
the share of words alike on both sides (a typo such as "Ahn" for "Anh" is a word alike) and
how well the given name is found. Only names whose given name is alike the platform name's
last (or first) word and that share two more words alike are scored (namesakes once), so a
province's roster stays fast.
"""

import re
from difflib import SequenceMatcher

from attendance.text import fold

LIMIT = 3
THRESHOLD = 0.7  # below: a name that only shares a common surname or given name
WORD_ALIKE = 0.7  # two words taken for one another ("hoa"/"ha", "ahn"/"anh")
WEIGHTS = (0.4, 0.4, 0.2)  # whole-name ratio, words alike, given name

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DEVICE_OF = re.compile(r"^(?:iphone|ipad|macbook|laptop|android|may tinh|dien thoai|pc)"
                        r"(?:\s+\S*\d\S*)*\s+(?:cua|of)\s+")
_DEVICE_S = re.compile(r"(?:'s|’s)\s+(?:iphone|ipad|macbook|laptop|android|galaxy)\b.*$")
_DEVICE = re.compile(r"\b(?:samsung\s+)?galaxy(?:\s+(?:\S*\d\S*|note|ultra|plus|tab|fold|"
                     r"flip|[saz]))*\b|\b(?:iphone|ipad|android)(?:\s+\S*\d\S*)*\b")
_TITLE = re.compile(r"^(?:d/c|dc|dong chi|ong|ba)\s+")
_NUMBERS = re.compile(r"^[\d\s.#_)-]+|[\s.#_(-]+\d+$|^\d+$")
_SEPARATORS = re.compile(r"\s+[-–—|:/]+\s+|\s*[|_]\s*")
_NOT_LETTERS = re.compile(r"[^\w\s]|\d|_")
# How a unit's name begins ("UBND xã Phổ Hòa", "Đảng ủy phường 3"): written before or after the
# person's name without a dash, the name is the words after (or before) it.
_UNIT_ONE = {"ubnd", "hdnd", "mttq", "ubmttq", "xa", "huyen", "tinh"}
_UNIT_TWO = {("dang", "uy"), ("chi", "bo"), ("cong", "an"), ("thi", "tran"), ("ban", "tuyen"),
             ("uy", "ban"), ("hoi", "dong")}


def _strip(folded: str) -> str:
    text = _BRACKETS.sub(" ", folded)
    text = _DEVICE_OF.sub("", text.strip())
    text = _DEVICE_S.sub("", text)
    text = _DEVICE.sub(" ", text)
    text = _TITLE.sub("", " ".join(text.split()))
    text = _NUMBERS.sub("", text).strip()
    return text


def _words(text: str) -> list[str]:
    return _NOT_LETTERS.sub(" ", text).split()


def _is_unit(words: list[str], at: int) -> bool:
    return words[at] in _UNIT_ONE or tuple(words[at:at + 2]) in _UNIT_TWO


def _without_unit(words: list[str], tail: bool) -> list[list[str]]:
    """"ubnd xa pho hoa nguyen van an": its last two to four words (``tail``: no dash told
    where the unit ends; else nothing); "nguyen van an ubnd xa pho hoa": the words before."""
    if not words:
        return []
    if _is_unit(words, 0):
        return [words[-size:] for size in (2, 3, 4) if len(words) > size] if tail else []
    for at in range(2, len(words)):
        if _is_unit(words, at):
            return [words[:at]]
    return [words]


def name_forms(names) -> list[list[str]]:
    """The words each platform name may be a person by, decorations left out."""
    forms = []
    for name in names:
        whole = _strip(fold(name))
        parts = [_strip(part) for part in _SEPARATORS.split(whole)]
        for text in parts if len(parts) > 1 else [whole]:
            for words in _without_unit(_words(text), tail=len(parts) == 1):
                if words not in forms:
                    forms.append(words)
    return forms


def _transposed(a: str, b: str) -> bool:
    """One pair of neighbouring letters swapped: "ahn" for "anh"."""
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
        and a[diff[1]] == b[diff[0]]


class Suggester:
    """The roster's folded names indexed by their words, for ``suggest``. Namesakes share
    one entry: a name is scored once however many people bear it."""

    def __init__(self, people):
        """``people``: (id, full name) pairs."""
        self.people: dict[str, list[int]] = {}  # folded name -> its people's ids
        self.by_word: dict[str, set[str]] = {}  # word -> folded names with it
        self.by_given: dict[str, set[str]] = {}
        for pid, name in people:
            words = _words(fold(name))
            if not words:
                continue
            folded = " ".join(words)
            if folded not in self.people:
                self.people[folded] = []
                for word in words:
                    self.by_word.setdefault(word, set()).add(folded)
                self.by_given.setdefault(words[-1], set()).add(folded)
            self.people[folded].append(pid)
        self._alike: dict[str, list[str]] = {}
        self._sims: dict[tuple[str, str], float] = {}

    def sim(self, a: str, b: str) -> float:
        """How alike two words are, 0 to 1."""
        if a == b:
            return 1.0
        key = (a, b) if a < b else (b, a)
        found = self._sims.get(key)
        if found is None:
            found = 0.98 if _transposed(a, b) else SequenceMatcher(None, a, b).ratio()
            self._sims[key] = found
        return found

    def alike(self, word: str) -> list[str]:
        """The roster's words alike ``word`` (itself included when on the roster)."""
        found = self._alike.get(word)
        if found is None:
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(word)
            found = []
            for other in self.by_word:
                if 2 * min(len(word), len(other)) / (len(word) + len(other)) < WORD_ALIKE:
                    continue
                matcher.set_seq1(other)
                if other == word or _transposed(word, other) or (
                        matcher.quick_ratio() >= WORD_ALIKE
                        and matcher.ratio() >= WORD_ALIKE):
                    found.append(other)
            self._alike[word] = found
        return found

    def _postings(self, word: str, index: dict[str, set[str]]) -> set[str]:
        pool: set[str] = set()
        for other in self.alike(word):
            pool |= index.get(other, set())
        return pool

    def candidates(self, words: list[str]) -> set[str]:
        """Names whose given name is alike the name's last word (or its first: "An Nguyen
        Van") and that share two more words alike (one, for a name of two words). Not the
        others: "Nguyen Van Binh" is not "Nguyễn Văn An", "Le Thi Lan" not "Hoàng Thị Lan"."""
        if len(words) == 1:
            return self._postings(words[0], self.by_given)
        anywhere = [self._postings(word, self.by_word) for word in words]
        found: set[str] = set()
        for at in {len(words) - 1, 0}:
            others = [anywhere[j] for j in range(len(words)) if j != at]
            if len(others) == 1:
                sharing = others[0]
            else:  # in two of the other words' sets at least
                sharing = set().union(*(others[i] & others[j] for i in range(len(others))
                                        for j in range(i + 1, len(others))))
            found |= self._postings(words[at], self.by_given) & sharing
        return found

    def _words_alike(self, words: list[str], theirs: list[str]) -> float:
        """Words paired one to one, most alike first: 1 when both names have the same words
        in any order."""
        pairs = sorted(((self.sim(w, t), i, j) for i, w in enumerate(words)
                        for j, t in enumerate(theirs)), reverse=True)
        used_ours, used_theirs, total = set(), set(), 0.0
        for sim, i, j in pairs:
            if i not in used_ours and j not in used_theirs:
                used_ours.add(i)
                used_theirs.add(j)
                total += sim
        return 2 * total / (len(words) + len(theirs))

    def _given(self, words: list[str], theirs: list[str]) -> float:
        """Their given name against the name's last word, or its first (given name first)."""
        return max(self.sim(theirs[-1], words[-1]), self.sim(theirs[-1], words[0]))

    def suggest(self, names, limit: int = LIMIT) -> list[int]:
        """Ids of up to ``limit`` people the platform's ``names`` may be, best first."""
        return [pid for pid, _ in self.scored(names)[:limit]]

    def scored(self, names) -> list[tuple[int, float]]:
        """(id, score) of everyone at ``THRESHOLD`` or above, best first."""
        scores: dict[str, float] = {}
        w_ratio, w_words, w_given = WEIGHTS
        for words in name_forms(names):
            readings = {" ".join(words), " ".join(words[1:] + words[:1]),
                        " ".join(words[-1:] + words[:-1])}  # "An Nguyen Van", "Van An Nguyen"
            matchers = []
            for text in readings:
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(text)
                matchers.append(matcher)
            for name in self.candidates(words):
                theirs = name.split()
                partial = (w_words * self._words_alike(words, theirs)
                           + w_given * self._given(words, theirs))
                if partial + w_ratio < max(THRESHOLD, scores.get(name, 0)):
                    continue
                ratio = 0.0
                for matcher in matchers:
                    matcher.set_seq1(name)
                    if matcher.real_quick_ratio() > ratio and matcher.quick_ratio() > ratio:
                        ratio = max(ratio, matcher.ratio())
                score = partial + w_ratio * ratio
                if score >= THRESHOLD and score > scores.get(name, 0):
                    scores[name] = score
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [(pid, score) for name, score in best for pid in self.people[name]]
