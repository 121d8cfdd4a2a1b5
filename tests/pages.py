"""Helpers for reading our HTML pages back in tests."""

import re
from html.parser import HTMLParser


def card_ids(html: str) -> list[int]:
    """Entry ids in the order the result cards list them."""
    cards = re.search(r'<ol class="cards">(.*?)</ol>', html, re.S)
    if cards is None:
        return []
    return [
        int(i)
        for i in re.findall(r'<h3 class="card-title"><a href="/assets/(\d+)"', cards.group(1))
    ]


def distances(html: str) -> list[float]:
    return [float(d) for d in re.findall(r'<span class="distance">([\d.]+) mi</span>', html)]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))
