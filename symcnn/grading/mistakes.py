"""The catalogue of classic mistakes: every id the checker can name, and its words.

Three kinds, each recomputed from the rule's own hyper-parameters (never guessed from the answer):
- shape mistakes change a layer's output size (mistakes_shape.py: ``AXIS``, ``TRANSPOSED``, one entry
  per id, and ``Scenario``, which carries a wrong size through the later layers);
- count mistakes change one count of one layer (mistakes_count.py: ``@count_mistake``, one entry
  per id);
- mistakes about what is counted, found by the truth and the diagnosis (MACs vs FLOPs, another
  FLOPs convention, activations vs params, bytes vs elements, the batch, the layout, rounding, an
  error carried forward from the student's own earlier answer).

To add a mistake: add its id to IDS, its recomputation to one of the two modules (or to
truth.py for the third kind), and its message to [mistakes] of every catalogue
(templates/i18n/<lang>.toml); a wording for one layer family goes in [mistakes_by_layer.<family>].

Owns: IDS, MISTAKES (a read-only view of the catalogues' messages), Mistake, message.
Never: write a message in Python, read answers, format reports, or change a Trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .mistakes_count import ANY, COUNT_MISTAKES, flatten_sites, mistaken_counts, pool_param_guesses
from .mistakes_shape import SHAPE_MISTAKES, Scenario, mistaken_output
from .seqmistakes import SEQ_MISTAKES


@dataclass(frozen=True, slots=True)
class Mistake:
    """One mistake id with its message in each language (read from the catalogues)."""
    id: str
    en: str
    zh: str


IDS = ("forgot_plus_one", "padding_one_side", "padding_ignored", "padding_subtracted", "stride_ignored",
       "ceil_instead_of_floor", "floor_instead_of_ceil", "forgot_bias", "counted_bias_when_none",
       "forgot_input_channels", "kernel_area_only", "groups_ignored", "dilation_ignored",
       "dilation_rf_formula", "transposed_as_conv", "macs_vs_flops", "bias_in_macs", "flops_convention",
       "flops_with_input_size", "bn_running_stats", "pool_has_params", "flatten_before_pool",
       "activations_vs_params", "bytes_per_element", "carried_forward", "channels_last", "channels_first",
       "off_by_batch", "rounded", *SEQ_MISTAKES)


class _Messages(Mapping):
    """MISTAKES: id -> Mistake, the messages read from templates/i18n/<lang>.toml [mistakes] on first use."""

    def __getitem__(self, mid: str) -> Mistake:
        if mid not in IDS:
            raise KeyError(mid)
        return Mistake(mid, message(mid, "en"), message(mid, "zh"))

    def __iter__(self):
        return iter(IDS)

    def __len__(self) -> int:
        return len(IDS)


MISTAKES: Mapping[str, Mistake] = _Messages()


def message(mid: str, lang: str = "en", family: str | None = None) -> str:
    """The message of mistake ``mid`` in ``lang``: the wording for layer ``family`` (conv, linear,
    pool, norm ...) from [mistakes_by_layer.<family>] when the catalogue has one, else [mistakes]."""
    from ..core.render import catalogue

    cat = catalogue(lang)
    return cat.get("mistakes_by_layer", {}).get(family or "", {}).get(mid) or cat["mistakes"][mid]


__all__ = ["ANY", "COUNT_MISTAKES", "IDS", "MISTAKES", "SHAPE_MISTAKES", "Mistake", "Scenario",
           "flatten_sites", "message", "mistaken_counts", "mistaken_output", "pool_param_guesses"]
