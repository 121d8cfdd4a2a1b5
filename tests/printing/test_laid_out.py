"""PDFs kept by their HTML: one layout per HTML, shared by whoever asks while it runs."""

import asyncio

import pytest

from app.printing.laid_out import LaidOutPdfs, html_etag


class Layouts:
    """A layout that records what it laid out and can be held until released."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.release = asyncio.Event()
        self.release.set()
        self.fail = False

    async def __call__(self, html: str) -> bytes:
        await self.release.wait()
        if self.fail:
            raise RuntimeError("layout failed")
        self.done.append(html)
        return f"%PDF {html}".encode()


def test_the_same_html_is_laid_out_once() -> None:
    async def run() -> None:
        pdfs, layout = LaidOutPdfs(max_bytes=1000), Layouts()
        first = await pdfs.pdf("<p>a</p>", layout)
        again = await pdfs.pdf("<p>a</p>", layout)
        other = await pdfs.pdf("<p>b</p>", layout)
        assert first == again == b"%PDF <p>a</p>" and other == b"%PDF <p>b</p>"
        assert layout.done == ["<p>a</p>", "<p>b</p>"] and pdfs.layouts == 2

    asyncio.run(run())


def test_requests_during_a_layout_wait_for_it() -> None:
    async def run() -> None:
        pdfs, layout = LaidOutPdfs(max_bytes=1000), Layouts()
        layout.release.clear()
        asking = [asyncio.ensure_future(pdfs.pdf("<p>a</p>", layout)) for _ in range(5)]
        await asyncio.sleep(0.01)
        assert not any(a.done() for a in asking)
        layout.release.set()
        answers = await asyncio.gather(*asking)
        assert set(answers) == {b"%PDF <p>a</p>"} and layout.done == ["<p>a</p>"]

    asyncio.run(run())


def test_a_layout_goes_on_when_the_request_that_started_it_goes_away() -> None:
    async def run() -> None:
        pdfs, layout = LaidOutPdfs(max_bytes=1000), Layouts()
        layout.release.clear()
        first = asyncio.ensure_future(pdfs.pdf("<p>a</p>", layout))
        second = asyncio.ensure_future(pdfs.pdf("<p>a</p>", layout))
        await asyncio.sleep(0.01)
        first.cancel()  # the client went away
        layout.release.set()
        assert await second == b"%PDF <p>a</p>"
        assert first.cancelled()
        assert await pdfs.pdf("<p>a</p>", layout) == b"%PDF <p>a</p>"
        assert layout.done == ["<p>a</p>"], "laid out once, kept for the next"

    asyncio.run(run())


def test_a_failed_layout_is_not_kept() -> None:
    async def run() -> None:
        pdfs, layout = LaidOutPdfs(max_bytes=1000), Layouts()
        layout.fail, layout.release = True, asyncio.Event()
        asking = [asyncio.ensure_future(pdfs.pdf("<p>a</p>", layout)) for _ in range(2)]
        await asyncio.sleep(0.01)
        layout.release.set()
        for a in asking:
            with pytest.raises(RuntimeError, match="layout failed"):
                await a
        layout.fail = False
        assert await pdfs.pdf("<p>a</p>", layout) == b"%PDF <p>a</p>"
        assert pdfs.layouts == 2 and pdfs.kept_bytes == len(b"%PDF <p>a</p>")

    asyncio.run(run())


def test_the_least_recently_used_go_past_the_size_limit() -> None:
    async def run() -> None:
        size = len(b"%PDF <p>a</p>")
        pdfs, layout = LaidOutPdfs(max_bytes=2 * size), Layouts()
        for html in ("<p>a</p>", "<p>b</p>", "<p>a</p>", "<p>c</p>"):  # a used again: b goes
            await pdfs.pdf(html, layout)
        assert pdfs.kept_bytes == 2 * size
        await pdfs.pdf("<p>a</p>", layout)
        await pdfs.pdf("<p>b</p>", layout)
        assert layout.done == ["<p>a</p>", "<p>b</p>", "<p>c</p>", "<p>b</p>"]
        await pdfs.pdf("<p>" + "x" * 3 * size + "</p>", layout)
        assert pdfs.kept_bytes <= 2 * size, "a PDF larger than the limit is not kept"

    asyncio.run(run())


def test_the_etag_is_the_html_hash() -> None:
    assert html_etag("<p>a</p>") == html_etag("<p>a</p>") != html_etag("<p>b</p>")
    assert html_etag("<p>a</p>").startswith('"') and len(html_etag("<p>a</p>")) == 34
