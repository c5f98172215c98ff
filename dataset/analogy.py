"""Google word-analogy questions (Mikolov et al. 2013): ``load_questions()``.

Returns {section: [(a, b, c, d), ...]} in file order, lower-cased.
"""
from dataset.files import read_text


def load_questions():
    """Google's analogy questions: {section: [(a, b, c, d), ...]}, lower-cased."""
    sections, current = {}, None
    for line in read_text("questions-words/questions-words.txt").splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            sections[current].append(tuple(line.lower().split()))
    return sections
