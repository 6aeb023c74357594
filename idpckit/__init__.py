"""idpckit: teach the 2019 CND Ministerial Segment and grade your own government.

Importing the package is deliberately cheap (no pandas, matplotlib or
ipywidgets): Voilà starts a fresh kernel for every visitor, and every import
here is paid on every page load.  Submodules are imported where they are used.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
