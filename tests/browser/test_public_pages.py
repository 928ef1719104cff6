"""The public pages and the holder's card on a 360 px phone with the text at 200 %."""

import pytest

from tests.browser.conftest import lines_of, settle

PAGES = ["/", "/accessibility", "/privacy", "/login", "/no-such-page"]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_nothing_runs_off_the_side_with_larger_text(live, launch, world, language):
    card = "/k/" + world.url.rsplit("/k/", 1)[1]
    settle()
    context = launch().new_context(
        viewport={"width": 360, "height": 740},
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    too_wide = {}
    for path in [*PAGES, card]:
        page.goto(live + path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}
    assert lines_of(page, ".card-number") == 1  # the card's number never breaks
