"""Listings as HTML documents: the same markup for the browser's print and for WeasyPrint."""

from app.core.templating import templates
from app.printing.listing import PrintListing


def listing_document(listing: PrintListing, query: str = "", *, screen: bool = False) -> str:
    """`screen`: served to a browser (static files by URL, a link to the PDF); otherwise for
    WeasyPrint, which resolves static files from disk."""
    pdf = f"/towns/{listing.place.slug}.pdf" + (f"?{query}" if query else "")
    return (
        templates()
        .get_template("print/listing.html")
        .render(
            listing=listing,
            css_href="/static/css/print.css" if screen else "css/print.css",
            screen=screen,
            pdf_href=pdf,
        )
    )
