"""Admin and statistics pages use a desktop's width; on a phone a wide table scrolls in
its own region, with its first column kept in view."""

import pytest

from tests import factories
from tests.browser.harness import log_in


@pytest.mark.parametrize("width", [1280, 360])
def test_the_yearly_table_uses_the_width_and_scrolls_with_its_first_column(
    live, launch, world, history, width
):
    context = launch().new_context(viewport={"width": width, "height": 900}, locale="fi")
    page = context.new_page()
    log_in(page, live, factories.Staff.national, factories.PASSWORD, "/admin")
    page.goto(live + "/reports/years")
    region = page.locator(".scroll").first
    box = region.bounding_box()
    assert box["width"] >= width - 2 * 32 - 20  # the page's width, less its margins
    first = region.locator("tbody th, tbody td").first
    assert first.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    if width == 360:
        assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # more to the side
        region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
        assert first.bounding_box()["x"] >= box["x"] - 1  # the row's name stays in view
