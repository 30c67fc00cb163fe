"""Photo checks under a threaded server (issue 12): Pillow's bomb guard is set once, no request changes the
process' warning filters, and a decompression bomb answers IMAGE_TOO_LARGE whatever another thread does."""

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError

from inspections.services.evidence import inspect_photo
from tests.images import jpeg, photo, png_declaring

BOMB_ERROR = png_declaring(12_000, 12_000)  # 144 MP: past twice Pillow's limit, an error at open
BOMB_WARNING = png_declaring(9_000, 8_000)  # 72 MP: past the limit, a warning at open


def code_of(data: bytes) -> str:
    try:
        inspect_photo(data)
    except ValidationError as error:
        return error.error_dict["file"][0].code.upper()
    return "OK"


def test_bombs_answer_image_too_large_while_other_threads_make_warnings_errors():
    good = jpeg(photo("astronaut", size=(640, 480)))
    stop = threading.Event()

    def hostile_library():
        # What the old per-request check did, and what any library may do: turn warnings into errors for a
        # moment. catch_warnings() changes the filters of every thread while it is entered.
        while not stop.is_set():
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                stop.wait(0.0005)

    toggler = threading.Thread(target=hostile_library, daemon=True)
    toggler.start()
    try:
        inputs = [BOMB_ERROR, BOMB_WARNING, good] * 8
        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(pool.map(code_of, inputs))
    finally:
        stop.set()
        toggler.join()
    assert codes == ["IMAGE_TOO_LARGE", "IMAGE_TOO_LARGE", "OK"] * 8


def test_the_photo_check_leaves_the_warning_filters_alone():
    before = list(warnings.filters)
    assert code_of(BOMB_WARNING) == "IMAGE_TOO_LARGE"
    assert code_of(jpeg(photo("astronaut", size=(320, 240)))) == "OK"
    assert warnings.filters == before


@pytest.mark.parametrize("data", [BOMB_ERROR, BOMB_WARNING])
def test_a_bomb_is_refused_even_when_warnings_are_errors_everywhere(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert code_of(data) == "IMAGE_TOO_LARGE"
