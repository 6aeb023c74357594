"""The self-assessment app, one module per part of the walk-through.

* :mod:`.app`: :class:`SelfAssessmentApp`, which holds the review and wires the steps;
* :mod:`.welcome`: the first screen (start, or resume by code);
* :mod:`.setup`: country, year, organisations, scale, which commitments to track;
* :mod:`.commitment`: one step per tracked commitment (grade, evidence, sources);
* :mod:`.summary`: scorecard, what is missing, downloads, comparison, submit.

Only :mod:`.app` and :mod:`.welcome` are imported with the package, so the first
screen stays cheap; the other steps load when first visited (or while a preheated
kernel waits).
"""

from .app import SelfAssessmentApp

__all__ = ["SelfAssessmentApp"]
