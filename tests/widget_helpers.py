"""What the widget tests share: the models a page must fetch and build before it draws."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w


def models_of(widgets: Iterable[w.Widget]) -> set[str]:
    """Every model a page fetches and builds to draw ``widgets``: each, its layout and style, its children's.

    The count is what a trainee's browser waits for on a slow link, so speed tests bound it.
    """
    seen: set[str] = set()
    todo = list(widgets)
    while todo:
        item = todo.pop()
        if item.model_id in seen:
            continue
        seen.add(item.model_id)
        todo += [getattr(item, name) for name in ("layout", "style") if isinstance(getattr(item, name, None), w.Widget)]
        todo += [child for child in getattr(item, "children", ()) if isinstance(child, w.Widget)]
    return seen
