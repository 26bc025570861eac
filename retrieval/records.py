"""The records of the query side: a ranked passage, an answer sentence, an answer."""

from __future__ import annotations

from dataclasses import dataclass

from index.records import Document, Passage


@dataclass(frozen=True)
class Hit:
    """A passage ranked for a question, with the scores that placed it."""

    passage: Passage
    document: Document
    score: float  # the ranking score of the mode used
    dense: float  # cosine similarity of question and passage
    highlights: tuple[tuple[int, int], ...] = ()  # answer-sentence spans inside the passage

    def to_dict(self) -> dict:
        """The JSON item of the command-line contract."""
        return passage_item(self.passage, self.document) | {
            "score": round(self.score, 6),
            "highlights": [list(span) for span in self.highlights],
        }


def passage_item(passage: Passage, document: Document) -> dict:
    """A passage as a JSON item: its words, exact span, citation and speaker."""
    return {
        "passage_id": passage.passage_id,
        "text": passage.text,
        "doc_id": passage.doc_id,
        "title": document.title,
        "source": document.source,
        "start": passage.start,
        "end": passage.end,
        "citation": passage.label,
        "section": passage.section,
        "speaker": passage.speaker,
        "role": passage.role,
    }


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence that answers the question, cited to its exact span."""

    text: str
    start: int
    end: int
    score: float
    passage: Passage
    document: Document

    def to_dict(self) -> dict:
        """The JSON item of the command-line contract."""
        return {
            "text": self.text,
            "doc_id": self.passage.doc_id,
            "title": self.document.title,
            "source": self.document.source,
            "start": self.start,
            "end": self.end,
            "citation": self.passage.label,
            "score": round(self.score, 6),
            "passage_id": self.passage.passage_id,
            "speaker": self.passage.speaker,
            "role": self.passage.role,
        }


@dataclass(frozen=True)
class Answer:
    """What Verbatim answers to one question: sentences, ranked passages, and whether it knows.

    A question the library does not address has no answer sentences and no highlights:
    its passages are the closest matches, for reference only.
    """

    question: str
    answerable: bool
    sentences: tuple[AnswerSentence, ...]
    hits: tuple[Hit, ...]
    # Names or years of the question the library never mentions: why it is not addressed, or, when
    # the passages matched well anyway, a caution that they may be about something else.
    unknown_names: tuple[str, ...] = ()
    searched: str = "The library"  # what was searched, as messages name it: "This document", "This choice of documents"
    # The library's speakers the question names ("What did Lavrov say…"): answers in others' words are flagged.
    named_speakers: tuple[str, ...] = ()

    def not_addressed(self) -> str:
        """What to tell a person when what was searched does not address the question, and why if a name says so."""
        never = f" It never mentions {', '.join(self.unknown_names)}." if self.unknown_names else ""
        return f"{self.searched} does not seem to address this question.{never}"

    def unmentioned(self) -> str:
        """The caution for an answer given although what was searched never mentions a name of the
        question (the passages matched well enough that it may spell it otherwise), or an empty string."""
        if not (self.answerable and self.unknown_names):
            return ""
        names = ", ".join(self.unknown_names)
        return f"{self.searched} never mentions {names}: check that these answers are about what you asked."

    def other_speakers(self) -> str:
        """The caution for answer sentences in the words of someone other than the speaker the question
        names ("What did Lavrov say…" answered by the Foreign Ministry's written answers), or an empty string."""
        if not (self.answerable and self.named_speakers):
            return ""
        others = {
            number: f"“{sentence.passage.speaker}”" if sentence.passage.speaker else "someone the source does not name"
            for number, sentence in enumerate(self.sentences, start=1)
            if sentence.passage.role == "answer" and sentence.passage.speaker not in self.named_speakers
        }
        if not others:
            return ""
        named = " or ".join(f"“{speaker}”" for speaker in self.named_speakers)
        whose = " and ".join(dict.fromkeys(others.values()))
        which = f"answer {next(iter(others))} is" if len(others) == 1 else f"answers {', '.join(map(str, others))} are"
        return f"The question names {named}, but {which} the words of {whose}."

    def cautions(self) -> tuple[str, ...]:
        """What to check before relying on an answer given: a name the library never mentions, an answer
        in someone else's words than those of the speaker the question names."""
        return tuple(caution for caution in (self.unmentioned(), self.other_speakers()) if caution)

    def to_dict(self) -> dict:
        """The JSON object of ``python -m retrieval ask --json``."""
        return {
            "question": self.question,
            "answerable": self.answerable,
            "unknown_names": list(self.unknown_names),
            "named_speakers": list(self.named_speakers),
            "answer": [s.to_dict() for s in self.sentences],
            "passages": [h.to_dict() for h in self.hits],
        }
