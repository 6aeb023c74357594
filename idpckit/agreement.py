"""How far several assessors agree: Krippendorff's alpha, for ordinal grades.

GDPI's validity study found that experts coding the same material "can be
inconsistent, even when they are provided with a common description"; a
workshop that calibrates its graders needs one number that says how consistent
they were.  Several NGOs grade the same commitments on the common 1-5 score and
some leave a commitment "not assessed", so the statistic must take any number
of assessors, allow missing values and respect the order of the grades (a 2
against a 4 is a bigger difference than a 3 against a 4).  Krippendorff's alpha
for ordinal data does all three; nominal statistics such as Fleiss' kappa
treat 2 and 4 as just "different" and understate ordinal agreement.

The computation follows Krippendorff, *Computing Krippendorff's Alpha-Reliability*
(2011):

1. reliability data: one row per coder (here: a review), one column per unit
   (here: a commitment), ``None`` where the coder gave no value;
2. units with fewer than two values are not pairable and are left out;
3. the coincidence matrix ``o[c][k]`` counts, within each unit, the ordered pairs
   of values from different coders, each unit weighted ``1 / (m_u - 1)``;
4. ``alpha = 1 - D_o / D_e``: observed disagreement over the disagreement
   expected by chance, both weighted by the squared distance ``delta``.

For ordinal data ``delta(c, k) = (n_c/2 + sum of n_g for c < g < k + n_k/2)^2``
with ``n_g`` the number of pairable values equal to ``g`` (the marginals of the
coincidence matrix): how many values lie between two grades, not how far apart
their numbers are.  ``interval`` and ``nominal`` are offered too, for the
textbook checks and for comparison.

Alpha is ``None`` (not computable) when there are fewer than two coders, no
pairable values, or every pairable value is the same (no variation: chance
disagreement is zero).  The reading follows Krippendorff's advice: at least 0.800
reliable, 0.667 to 0.800 tentative conclusions only, below that not reliable.

The GPL-licensed ``krippendorff`` package from PyPI is used only by the tests, as
an independent check of these numbers.  Only the standard library is imported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from . import scales

if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment

Level = Literal["ordinal", "interval", "nominal"]
Value = float | int

#: At or above this, Krippendorff calls data reliable.
RELIABLE = 0.800
#: At or above this (and below :data:`RELIABLE`), only tentative conclusions.
TENTATIVE = 0.667


def coincidences(data: Sequence[Sequence[Value | None]]) -> dict[tuple[Value, Value], float]:
    """The coincidence matrix of reliability data (coders x units), as ``{(c, k): count}``.

    Only pairable units (two or more values) contribute; each contributes
    ``m_u`` in total, so the matrix sums to the number of pairable values.
    """
    if not data:
        return {}
    width = max(len(row) for row in data)
    matrix: Counter[tuple[Value, Value]] = Counter()
    for unit in range(width):
        found = Counter(row[unit] for row in data if unit < len(row) and row[unit] is not None)
        m = sum(found.values())
        if m < 2:
            continue
        for c, n_c in found.items():
            for k, n_k in found.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] += pairs / (m - 1)
    return dict(matrix)


def _distances(values: list[Value], marginals: dict[Value, float], level: Level) -> dict[tuple[Value, Value], float]:
    """Squared distance between every two values present, for ``level``."""
    out: dict[tuple[Value, Value], float] = {}
    for i, c in enumerate(values):
        for j, k in enumerate(values):
            if level == "nominal":
                d = 0.0 if c == k else 1.0
            elif level == "interval":
                d = float(c - k) ** 2
            else:
                low, high = min(i, j), max(i, j)
                between = sum(marginals[values[g]] for g in range(low, high + 1))
                d = (between - (marginals[values[low]] + marginals[values[high]]) / 2) ** 2
            out[(c, k)] = d
    return out


def alpha(data: Sequence[Sequence[Value | None]], level: Level = "ordinal") -> float | None:
    """Krippendorff's alpha of reliability data: one row per coder, one column per unit, None = missing.

    Rows may differ in length (missing at the end).  Returns ``None`` when alpha
    cannot be computed: fewer than two coders, no unit with two values, or no
    variation at all among the pairable values.

    >>> round(alpha([[1, 2, 3, 3], [1, 2, 3, 4]]), 2)
    0.91
    """
    if level not in ("ordinal", "interval", "nominal"):
        raise ValueError(f"unknown level of measurement '{level}'; use ordinal, interval or nominal")
    if len(data) < 2:
        return None
    matrix = coincidences(data)
    marginals: Counter[Value] = Counter()
    for (c, _k), count in matrix.items():
        marginals[c] += count
    n = sum(marginals.values())
    values = sorted(marginals)
    if n <= 1 or len(values) < 2:
        return None
    delta = _distances(values, marginals, level)
    observed = sum(count * delta[pair] for pair, count in matrix.items())
    expected = sum(marginals[c] * marginals[k] * delta[(c, k)] for c in values for k in values) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - observed / expected


def reading(value: float | None, coders: int | None = None) -> str:
    """Alpha in plain words, for a trainer reading the dashboard or a coalition page (in the language in use)."""
    from .i18n import _

    if value is None:
        if coders is not None and coders < 2:
            return _("Agreement needs at least two reviews to be measured.")
        return _(
            "Agreement cannot be measured here: the reviews share no graded commitment, "
            "or every grade is the same (no variation to compare)."
        )
    shown = f"{value:.2f}"
    if value >= RELIABLE:
        return _("Alpha {alpha}: the reviews agree well; their grades can be relied on together.").format(alpha=shown)
    if value >= TENTATIVE:
        return _(
            "Alpha {alpha}: the reviews partly agree; draw only tentative conclusions from the grades together."
        ).format(alpha=shown)
    if value > 0:
        return _(
            "Alpha {alpha}: the reviews agree little more than chance would; "
            "discuss the rubric and the evidence before relying on the grades."
        ).format(alpha=shown)
    return _(
        "Alpha {alpha}: no agreement beyond chance (or systematic disagreement); "
        "the assessors read the commitments differently, which is worth a discussion."
    ).format(alpha=shown)


def review_scores(
    assessments: Sequence[Assessment], commitment_ids: Iterable[str] | None = None
) -> list[list[int | None]]:
    """Reliability data for reviews: one row per review, one column per commitment, on the common 1-5 score.

    Traffic lights are converted as everywhere in the kit (red 1, orange 3, green
    5); a commitment a review does not track or did not grade is missing.
    Without ``commitment_ids``, every commitment any review tracks, in first-seen order.
    """
    if commitment_ids is None:
        ids = list(dict.fromkeys(e.commitment_id for a in assessments for e in a.entries))
    else:
        ids = list(commitment_ids)
    rows = []
    for a in assessments:
        grades = {e.commitment_id: e.grade for e in a.entries}
        rows.append(
            [None if grades.get(cid) is None else scales.to_score(grades[cid], a.scale) for cid in ids]  # type: ignore[arg-type]
        )
    return rows


def review_alpha(assessments: Sequence[Assessment], commitment_ids: Iterable[str] | None = None) -> float | None:
    """Ordinal alpha over reviews (coders) and commitments (units); None below two reviews."""
    if len(assessments) < 2:
        return None
    return alpha(review_scores(assessments, commitment_ids), "ordinal")
