"""Matching a resident's message to a topic, or to nothing.

Views measured to complement each other (see shared/research/matching.md and
bench/), blended into one score per label, one file each:

* `chars`: character n-gram TF-IDF (2-4-grams inside words, sublinear tf)
  with the cosine taken against every example phrasing, topic score = best
  phrasing plus the mean of its best few: robust to typos, works in every
  script without a tokenizer;
* `matcher`: rapidfuzz's ratio on word-sorted strings, which rewards
  near-identical phrasings with words in another order, and the blend and
  decision below;
* `words`: word TF-IDF centroids per topic: which concepts a message combines;
* `linear`: a linear SVM over the same words, trained on the pack's
  phrasings: which words tell neighbouring topics apart.

Beside them: `model` (settings, ranking, verdict), `phrases` (keywords,
signals, asides), `tfidf` (the shared sparse arithmetic) and `cache` (the
derived arrays kept on disk between starts).

A topic is answered only when its blended score is high *and* clearly ahead of
the next topic; close calls become "did you mean" choices; the rest is
declined. Greetings, thanks, small talk and out-of-scope questions are matched
as their own intents so they never fall into a topic.
"""

from .matcher import Matcher
from .model import INTENT_PREFIX, Candidate, Match, Phrase, Ranking, Settings

__all__ = ["INTENT_PREFIX", "Candidate", "Match", "Matcher", "Phrase", "Ranking", "Settings"]
