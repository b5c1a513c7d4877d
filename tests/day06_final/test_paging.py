"""paging.Page: one page of a list, its offset and limit, and the pages that do not exist."""

import pytest


@pytest.fixture
def paging(workbook, day):
    """The day's paging module."""
    return workbook.load(day, "paging")


@pytest.mark.parametrize(
    "items, index, size, offset, count, previous, next_",
    [
        (0, 1, 10, 0, 1, False, False),  # an empty list is one empty page
        (1, 1, 10, 0, 1, False, False),
        (10, 1, 10, 0, 1, False, False),
        (11, 1, 10, 0, 2, False, True),
        (11, 2, 10, 10, 2, True, False),
        (95, 5, 10, 40, 10, True, True),
        (7, 3, 3, 6, 3, True, False),
    ],
)
def test_a_page_knows_its_offset_limit_and_neighbours(
    paging, items, index, size, offset, count, previous, next_
):
    page = paging.Page(items, index, size)
    assert (page.offset, page.limit, page.page_count) == (offset, size, count)
    assert (page.has_previous, page.has_next) == (previous, next_)
    assert page.to_json() == {
        "item_count": items,
        "page_index": index,
        "page_size": size,
        "page_count": count,
        "offset": offset,
        "limit": size,
        "has_previous": previous,
        "has_next": next_,
    }


def test_page_defaults_to_the_first_page_of_ten(paging):
    page = paging.Page(25)
    assert (page.page_index, page.page_size, page.page_count) == (1, 10, 3)


@pytest.mark.parametrize("index", [0, -1, 1.5, "2", True, None])
def test_a_page_number_that_is_not_a_whole_number_from_1_is_a_400_naming_page(paging, index):
    with pytest.raises(paging.APIValueError) as caught:
        paging.Page(25, index)
    assert caught.value.status == 400 and caught.value.data == "page"


@pytest.mark.parametrize("items, index, pages", [(0, 2, "1 page"), (25, 4, "3 pages")])
def test_a_page_after_the_last_is_a_404_saying_how_many_pages_there_are(
    paging, items, index, pages
):
    with pytest.raises(paging.APIResourceNotFoundError) as caught:
        paging.Page(items, index)
    assert caught.value.status == 404 and caught.value.data == "page"
    assert pages in caught.value.message
