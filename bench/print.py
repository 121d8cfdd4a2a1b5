"""Print benchmark (not a test): every town's PDF, the borough edition and the newsletter,
on the demo data and on N synthetic entries in the same borough; and the two largest towns'
PDFs through the app, asked again and by several at once.

    python -m bench.print [--n 10000]"""

import argparse
import logging
import time
from typing import Any

from bench import write_results


def _time_all(label: str) -> dict[str, Any]:
    from sqlmodel import Session

    from app.assets.search_params import SearchParams
    from app.core.db import get_engine
    from app.core.time import local_now
    from app.places.models import PlaceKind
    from app.places.service import list_places
    from app.printing.html_to_pdf import render_pdf
    from app.printing.listing import build_listing
    from app.printing.newsletter import draft
    from app.printing.newsletter_pages import render_newsletter
    from app.printing.render import listing_document

    result: dict[str, Any] = {"data": label, "towns": {}}
    with Session(get_engine()) as session:
        started = time.perf_counter()
        for place, _ in list_places(session, kind=PlaceKind.town):
            t = time.perf_counter()
            listing = build_listing(session, place=place, params=SearchParams(), now=local_now(),
                                    subtitle=None)  # fmt: skip
            pdf = render_pdf(listing_document(listing))
            result["towns"][place.slug] = {"s": time.perf_counter() - t, "entries":
                                           listing.entry_count, "kb": len(pdf) / 1024}  # fmt: skip
        result["six_towns_s"] = time.perf_counter() - started
        t = time.perf_counter()
        for place, _ in list_places(session, kind=PlaceKind.borough):
            listing = build_listing(session, place=place, params=SearchParams(), now=local_now(),
                                    subtitle=None)  # fmt: skip
            result["borough_pages_kb"] = len(render_pdf(listing_document(listing))) / 1024
        result["borough_s"] = time.perf_counter() - t
        t = time.perf_counter()
        content = draft(session, now=local_now())
        html = render_newsletter(session, content, screen=False, is_draft=True, prefix="")
        result["newsletter_kb"] = len(render_pdf(html)) / 1024
        result["newsletter_s"] = time.perf_counter() - t
    _through_the_app(result)
    return result


def _through_the_app(result: dict[str, Any]) -> None:
    """The two largest towns' PDFs through the app: the first request lays one out, the same
    request again gets the one kept, a client that has it a 304; four asking at once for the
    other share one layout (app.printing.laid_out)."""
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.printing.pdf import laid_out_pdfs

    largest, other = sorted(result["towns"], key=lambda t: -result["towns"][t]["entries"])[:2]
    app = create_app()
    logging.getLogger("waymark.access").setLevel(logging.WARNING)  # the table says it all
    timed: dict[str, Any] = {"town": largest, "four_at_once_town": other}
    with TestClient(app) as client:

        def get(label: str, headers: dict[str, str] | None = None) -> Any:
            t = time.perf_counter()
            response = client.get(f"/towns/{largest}.pdf", headers=headers)
            timed[label] = time.perf_counter() - t
            return response

        first = get("first_s")
        get("again_s")
        timed["not_modified_status"] = get(
            "not_modified_s", {"If-None-Match": first.headers["etag"]}
        ).status_code
        t = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: client.get(f"/towns/{other}.pdf"), range(4)))
        timed["four_at_once_s"] = time.perf_counter() - t
        timed["four_at_once_statuses"] = sorted({a.status_code for a in answers})
        timed["layouts"] = laid_out_pdfs(app).layouts
    result["through_the_app"] = timed


def _demo_database(url: str) -> None:
    """A database of its own with the demo data (the benchmark never touches the app's)."""
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.seed import seed_all
    from bench.search import prepare_bench_db

    prepare_bench_db(url, 0)  # migrated, places loaded, no synthetic entries
    with Session(get_engine()) as session:
        seed_all(session)  # the demo entries (seeding twice changes nothing)
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    from bench.search import bench_url, prepare_bench_db

    _demo_database(bench_url("print_demo"))
    runs = [_time_all("demo")]
    prepare_bench_db(bench_url("print"), args.n, local=True)
    runs.append(_time_all(f"{args.n} synthetic entries"))
    for run in runs:
        print(f"\n{run['data']}: six town PDFs {run['six_towns_s']:.1f} s, borough edition "
              f"{run['borough_s']:.1f} s, newsletter {run['newsletter_s']:.1f} s")  # fmt: skip
        for slug, t in run["towns"].items():
            print(f"  {slug:<14} {t['entries']:6d} entries  {t['s']:6.2f} s  {t['kb']:8.0f} KB")
        app = run["through_the_app"]
        print(
            f"  through the app, {app['town']}: first {app['first_s']:.2f} s, again "
            f"{app['again_s']:.2f} s, 304 {app['not_modified_s']:.2f} s; {app['four_at_once_town']}"
            f" asked by four at once {app['four_at_once_s']:.2f} s (HTTP "
            f"{app['four_at_once_statuses']}); {app['layouts']} layouts in all"
        )
    out = write_results("print", runs)
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
