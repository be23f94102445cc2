"""Words for the analyses that need words: a blank spaCy `zh` pipeline over jieba.

What each library contributes, and why agency names are NOT matched on tokens:

- **jieba** segments Chinese into words. Its user dictionary is generated from the agency
  gazetteer, so a name such as 人力资源社会保障部 stays one token in most contexts.
- **spaCy** (blank `zh`, `segmenter: jieba`) gives one `Doc` object per text that carries
  tokens and every annotation as character-aligned spans (`doc.spans["agencies"]`,
  `doc.spans["measures"]`, …), so detectors that think in words (modal words of
  obligations, sector keywords, issuer phrases) and detectors that think in characters
  share one object. No trained model is loaded: nothing is downloaded at run time.
- **Agency names are matched on characters** (`extract.agencies.Gazetteer.find` over the
  line-joined text). A token PhraseMatcher over jieba tokens misses names that jieba splits
  differently in context (≈92 % found with jieba's own dictionary; 99.2 % even with the
  gazetteer as user dictionary, bench/extract.py), cannot apply the context rules (财政部门 is
  not 财政部), and runs ~100× slower than the character matcher (tens of MB/s). Spans found
  on characters are attached to the `Doc` by offsets.
"""
from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from extract.agencies import Gazetteer, load_gazetteer


#: jieba user dictionary generated from the gazetteer (`python -m extract.nlp` rewrites it; a test
#: checks it is current). Shipped so a run does not spend seconds asking jieba for frequencies.
USER_DICT = Path(__file__).with_name("data") / "jieba_userdict.txt"


@lru_cache(maxsize=1)
def gazetteer_jieba(gazetteer_path: str | None = None):
    """jieba with the gazetteer loaded as user dictionary (once per process, ~1 s)."""
    import jieba

    jieba.setLogLevel(60)  # jieba prints its cache building to stderr otherwise
    if gazetteer_path is None and USER_DICT.exists():
        jieba.load_userdict(str(USER_DICT))
    else:
        user_dict = Path(tempfile.gettempdir()) / "policykg-jieba-userdict.txt"
        load_gazetteer(gazetteer_path).write_jieba_user_dict(user_dict)
        jieba.load_userdict(str(user_dict))
    return jieba


@lru_cache(maxsize=1)
def chinese_pipeline(gazetteer_path: str | None = None):
    """The blank zh pipeline with jieba segmentation and the gazetteer as user dictionary."""
    import spacy

    gazetteer_jieba(gazetteer_path)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


_NOUN_TAGS = ("n", "nr", "ns", "nt", "nz", "ng", "j")


@lru_cache(maxsize=4096)
def ends_in_noun(phrase: str) -> bool:
    """Whether a phrase is headed by a noun, by jieba's part-of-speech tags (gazetteer-aware).

    Used to keep only real parties as RegulatedParty nodes: 企业, 申请人, 直播间运营者 pass;
    受委托的, 统筹, 登记机关能够 (a verb, particle or adverb last) do not.
    """
    if len(phrase) < 2:
        return False
    gazetteer_jieba()  # loads the user dictionary once; spaCy is not needed for tags
    import jieba.posseg as pseg

    tokens = [t for t in pseg.cut(phrase) if t.word.strip()]
    return bool(tokens) and tokens[-1].flag.startswith(_NOUN_TAGS) and tokens[-1].flag != "nrt"


def words(text: str) -> list[str]:
    """jieba words of `text` through the shared pipeline (gazetteer-aware)."""
    return [t.text for t in chinese_pipeline()(text)]


def make_doc(text: str, gaz: Gazetteer | None = None, extra_spans: dict[str, list[tuple[int, int, str]]] | None = None):
    """A spaCy Doc of `text` with agency mentions (and any `extra_spans`) attached by offset.

    Character spans that cut through a jieba token are widened to token boundaries
    (`alignment_mode="expand"`) rather than dropped, so every mention is kept.
    """
    doc = chinese_pipeline()(text)
    gaz = gaz or load_gazetteer()
    agencies = []
    for m in gaz.find(text):
        span = doc.char_span(m.start, m.end, label=m.entry.id, alignment_mode="expand")
        if span is not None:
            agencies.append(span)
    doc.spans["agencies"] = agencies
    for key, spans in (extra_spans or {}).items():
        doc.spans[key] = [s for s in (doc.char_span(a, b, label=lab, alignment_mode="expand")
                                      for a, b, lab in spans) if s is not None]
    return doc


if __name__ == "__main__":  # regenerate the shipped user dictionary after editing the gazetteer
    load_gazetteer().write_jieba_user_dict(USER_DICT)
    print(f"wrote {USER_DICT}")
