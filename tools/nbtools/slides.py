"""The slide structure nbconvert renders: reveal.js sections and speaker notes, counted."""

import html.parser

from .cells import slide_type

__all__ = ["render_slides", "count_slide_parts", "expected_slide_parts"]


class _SectionCounter(html.parser.HTMLParser):
    """Count reveal.js sections by depth and speaker-notes asides."""

    def __init__(self):
        super().__init__()
        self.depth, self.by_depth, self.notes = 0, {}, 0

    def handle_starttag(self, tag, attrs):
        """Count a section at its depth or a notes aside."""
        if tag == "section":
            self.depth += 1
            self.by_depth[self.depth] = self.by_depth.get(self.depth, 0) + 1
        elif tag == "aside" and "notes" in (dict(attrs).get("class") or "").split():
            self.notes += 1

    def handle_endtag(self, tag):
        """Leave a section."""
        if tag == "section":
            self.depth -= 1


def render_slides(nb):
    """Render a notebook with nbconvert's SlidesExporter and return the HTML."""
    from nbconvert import SlidesExporter

    html_text, _ = SlidesExporter().from_notebook_node(nb)
    return html_text


def count_slide_parts(html_text):
    """Return {'slides', 'subslides', 'notes'} counted in reveal.js HTML (subslides include each slide's first)."""
    counter = _SectionCounter()
    counter.feed(html_text)
    return {"slides": counter.by_depth.get(1, 0), "subslides": counter.by_depth.get(2, 0),
            "notes": counter.notes}


def expected_slide_parts(nb):
    """Return the counts ``count_slide_parts`` should find for a notebook whose first cell is a slide."""
    types = [slide_type(c) for c in nb.cells]
    slides = types.count("slide")
    return {"slides": slides, "subslides": slides + types.count("subslide"), "notes": types.count("notes")}
