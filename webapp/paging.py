"""One page of a long list already in memory (a national session's 7,400 venues), for the
pager macro (templates/macros.html)."""

from flask import request


class Page:
    def __init__(self, page: int, pages: int, items: list | None = None, total: int = 0):
        self.page, self.pages = page, pages
        self.has_prev, self.has_next = page > 1, page < pages
        self.items, self.total = items or [], total  # the page's rows, how many in all


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows make (one, when there are none)."""
    return max(-(-total // per_page), 1)


def page_asked(pages: int) -> int:
    """The page ?page= asks for, within 1..pages (past the end: the last page)."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), pages)


def page_of(items: list, per_page: int) -> tuple[list, Page]:
    """(the items of the page asked for by ?page=, that Page)."""
    pages = page_count(len(items), per_page)
    page = page_asked(pages)
    return items[(page - 1) * per_page:page * per_page], Page(page, pages)
