"""Nothing of a refused request outlives its answer (contract §13): a warm function that has refused
hundreds of logins, identity steps and holder reads keeps no frame of them and none of what was typed."""

import gc
import re
import types
import urllib.parse
from pathlib import Path

from tests.helpers.api import bearer
from tests.helpers.people import NIR, identity

REFUSALS_EACH = 200
CHALICELIB = str(Path(__file__).resolve().parents[2] / "chalicelib")
# Built at run time, so that no constant of this module holds a typed value's pattern.
MARK = "".join(("Fuite", "Q"))
TYPED = re.compile(MARK + r"\d{3}")


def typed(i: int) -> str:
    """The i-th value typed by a refused person: a password, an email's local part, a token."""
    return f"{MARK}{i:03d}"


def strings_held() -> set[str]:
    """Every typed value still reachable from an object the collector tracks (a frame, a dict, a
    list, an exception, a cache...): strings themselves are not tracked, their holders are."""
    held = set()
    for holder in gc.get_objects():
        for referent in gc.get_referents(holder):
            if type(referent) is str and TYPED.search(referent):
                held.add(referent)
    return held


def frames_of_chalicelib() -> list[str]:
    frames = [obj for obj in gc.get_objects() if isinstance(obj, types.FrameType)]
    return [f"{f.f_code.co_filename}:{f.f_code.co_name}" for f in frames if f.f_code.co_filename.startswith(CHALICELIB)]


def exceptions_with_our_frames() -> list[str]:
    """Exceptions still alive whose traceback runs through chalicelib (a refusal kept, and its frames)."""
    kept = []
    for obj in gc.get_objects():
        if isinstance(obj, BaseException):
            tb = obj.__traceback__
            while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(CHALICELIB):
                tb = tb.tb_next
            if tb is not None:
                kept.append(repr(obj))
    return kept


def test_a_warm_function_keeps_nothing_of_what_it_refused(api, journey, monkeypatch):
    monkeypatch.setenv("LOCKOUT_THRESHOLD", str(10 * REFUSALS_EACH))  # each wrong password stays a wrong password
    journey.active_account()
    for i in range(REFUSALS_EACH):
        assert journey.log_in(NIR, password=f"Mauvais{typed(i)}").status == 401
        step = identity(courriel=f"{typed(i)}@exemple.fr") | {"captcha_id": "x", "captcha_reponse": "ABCDE"}
        assert api.put(f"/inscriptions/{typed(i)}/identite", step).status == 404
        assert api.get("/titulaire", headers=bearer(typed(i))).status == 401
    urllib.parse.clear_cache()  # the test client's gateway splits each URL (API Gateway does, in AWS)
    gc.collect()

    assert frames_of_chalicelib() == []
    assert exceptions_with_our_frames() == []
    assert strings_held() == set()
