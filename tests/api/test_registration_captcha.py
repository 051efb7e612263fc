"""Registration, its security check: the captcha (image and audio), one answer each, ten minutes, through the API."""

import base64

from tests.helpers.api import error_fields
from tests.helpers.people import identity


class TestSecurityCheck:
    def test_a_captcha_is_a_png_image_with_an_audio_version_for_ten_minutes(self, api):
        answer = api.post("/captchas")
        assert answer.status == 201
        prefix = "data:image/png;base64,"
        assert answer.body["image"].startswith(prefix)
        assert base64.b64decode(answer.body["image"][len(prefix) :]).startswith(b"\x89PNG")
        assert answer.body["audio"] == f"/captchas/{answer.body['id']}/audio"
        assert answer.body["expire_le"] == "2026-12-01T09:10:00Z"

    def test_the_audio_version_is_a_wav_file(self, api):
        captcha_id = api.post("/captchas").body["id"]
        answer = api.get(f"/captchas/{captcha_id}/audio", headers={"Accept": "audio/wav"})
        assert answer.status == 200
        assert answer.headers["content-type"] == "audio/wav"
        assert answer.raw[:4] == b"RIFF" and answer.raw[8:12] == b"WAVE"

    def test_the_audio_version_needs_an_accept_header_for_wav(self, api):
        captcha_id = api.post("/captchas").body["id"]
        answer = api.get(f"/captchas/{captcha_id}/audio")
        assert answer.status == 406 and answer.body["code"] == "format_non_disponible"

    def test_an_expired_captcha_has_no_audio_version(self, api, clock):
        captcha_id = api.post("/captchas").body["id"]
        clock.advance(minutes=10)
        answer = api.get(f"/captchas/{captcha_id}/audio", headers={"Accept": "audio/wav"})
        assert answer.status == 404 and answer.body["code"] == "captcha_expire"

    def test_case_and_spaces_are_ignored(self, journey, api, captcha_answer):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        typed = " ".join(captcha_answer(captcha_id).lower())
        answer = api.put(
            f"/inscriptions/{draft_id}/identite", {**identity(), "captcha_id": captcha_id, "captcha_reponse": typed}
        )
        assert answer.status == 200, answer.body

    def test_one_answer_per_captcha_right_or_wrong(self, journey, api, captcha_answer):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        wrong = api.put(
            f"/inscriptions/{draft_id}/identite", {**identity(), "captcha_id": captcha_id, "captcha_reponse": "000000"}
        )
        assert wrong.status == 400
        assert wrong.body["code"] == "captcha_incorrect"
        assert error_fields(wrong) == {"captcha_reponse": "captcha_incorrect"}
        right_but_spent = api.put(
            f"/inscriptions/{draft_id}/identite",
            {
                **identity(),
                "captcha_id": captcha_id,
                "captcha_reponse": captcha_answer_or_none(captcha_answer, captcha_id),
            },
        )
        assert right_but_spent.status == 400
        assert right_but_spent.body["code"] == "captcha_expire"
        assert error_fields(right_but_spent) == {"captcha_reponse": "captcha_expire"}

    def test_a_right_answer_is_spent_too(self, journey, api, captcha_answer):
        captcha_id = api.post("/captchas").body["id"]
        solution = captcha_answer(captcha_id)
        body = {**identity(), "captcha_id": captcha_id, "captcha_reponse": solution}
        assert api.put(f"/inscriptions/{journey.start()}/identite", body).status == 200
        again = api.put(f"/inscriptions/{journey.start()}/identite", body)
        assert error_fields(again) == {"captcha_reponse": "captcha_expire"}

    def test_a_captcha_lives_ten_minutes(self, journey, api, captcha_answer, clock):
        draft_id = journey.start()
        captcha_id = api.post("/captchas").body["id"]
        clock.advance(minutes=10)
        answer = api.put(
            f"/inscriptions/{draft_id}/identite",
            {**identity(), "captcha_id": captcha_id, "captcha_reponse": captcha_answer(captcha_id)},
        )
        assert error_fields(answer) == {"captcha_reponse": "captcha_expire"}

    def test_an_unknown_captcha_is_expired(self, journey, api):
        answer = api.put(
            f"/inscriptions/{journey.start()}/identite",
            {**identity(), "captcha_id": "A" * 22, "captcha_reponse": "AAAAAA"},
        )
        assert error_fields(answer) == {"captcha_reponse": "captcha_expire"}


def captcha_answer_or_none(read, captcha_id):
    try:
        return read(captcha_id)
    except KeyError:
        return "AAAAAA"  # already spent: nothing left to read, any answer will do
