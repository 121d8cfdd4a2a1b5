"""/newsletter (latest edition, or the draft before the first), its PDF and plain text, and
earlier editions by number."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy import select
from sqlmodel import Session, col

from app.core.db import get_session
from app.core.templating import templates
from app.core.time import local_now
from app.printing.listing import qr_data_uri
from app.printing.models import NewsletterEdition
from app.printing.newsletter import as_text, draft, get_edition, latest_edition
from app.printing.pdf import pdf_response

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]


def _content(session: Session, number: int | None) -> tuple[dict[str, Any], bool]:
    if number is not None:
        return get_edition(session, number=number).content, False
    latest = latest_edition(session)
    return (latest.content, False) if latest else (draft(session, now=local_now()), True)


def render_newsletter(
    session: Session, content: dict[str, Any], *, screen: bool, is_draft: bool, prefix: str
) -> str:
    editions = session.execute(
        select(NewsletterEdition).order_by(col(NewsletterEdition.number).desc()).limit(12)
    ).scalars()
    return (
        templates()
        .get_template("print/newsletter.html")
        .render(
            n=content,
            qr=qr_data_uri(content["url"]),
            css_href="/static/css/print.css" if screen else "css/print.css",
            screen=screen,
            draft=is_draft,
            pdf_href=f"{prefix}.pdf",
            text_href=f"{prefix}.txt",
            editions=list(editions),
        )
    )


async def _pdf(request: Request, session: Session, number: int | None) -> Response:
    content, is_draft = await run_in_threadpool(_content, session, number)
    name = f"waymark-newsletter-{content.get('number', 'draft')}.pdf"
    return await pdf_response(
        request,
        lambda: render_newsletter(session, content, screen=False, is_draft=is_draft, prefix=""),
        filename=name,
    )


@router.get("/newsletter.pdf")
async def newsletter_pdf(request: Request, session: SessionDep) -> Response:
    return await _pdf(request, session, None)


@router.get("/newsletter.txt", response_class=PlainTextResponse)
def newsletter_text(session: SessionDep) -> str:
    return as_text(_content(session, None)[0])


@router.get("/newsletter", response_class=HTMLResponse)
def newsletter(session: SessionDep) -> str:
    content, is_draft = _content(session, None)
    return render_newsletter(session, content, screen=True, is_draft=is_draft, prefix="/newsletter")


@router.get("/newsletter/{number}.pdf")
async def edition_pdf(number: int, request: Request, session: SessionDep) -> Response:
    return await _pdf(request, session, number)


@router.get("/newsletter/{number}.txt", response_class=PlainTextResponse)
def edition_text(number: int, session: SessionDep) -> str:
    return as_text(get_edition(session, number=number).content)


@router.get("/newsletter/{number}", response_class=HTMLResponse)
def edition(number: int, request: Request, session: SessionDep) -> str:
    content = get_edition(session, number=number).content
    prefix = f"/newsletter/{number}"
    return render_newsletter(session, content, screen=True, is_draft=False, prefix=prefix)
