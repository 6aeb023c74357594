"""Widget components for the notebooks and the Voilà apps.

Deliberately empty of imports: a Voilà kernel pays for every import on every
page view, so each notebook imports the one submodule it needs, e.g.
``from idpckit.widgets.self_assessment import SelfAssessmentApp``.
"""
