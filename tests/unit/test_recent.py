"""gateway/recent.py: answers kept for a few seconds, on a clock the test moves."""
from gateway import recent
from gateway.recent import Recent


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_for_its_seconds_and_never_renewed_by_reading_it():
    clock = Clock()
    kept = Recent(5, clock)
    kept.keep("a", 1)
    clock.now = 4.9
    assert kept.get("a") == 1
    clock.now = 5.0
    assert kept.get("a") is None and kept.get("b") is None


def test_no_seconds_keep_nothing_and_forget_drops_what_matches():
    nothing = Recent(0, Clock())
    nothing.keep("a", 1)
    assert nothing.get("a") is None
    kept = Recent(5, Clock())
    kept.keep("a", "x")
    kept.keep("b", "y")
    kept.forget(lambda _, value: value == "x")
    assert kept.get("a") is None and kept.get("b") == "y"


def test_a_flood_of_keys_empties_the_memory_rather_than_filling_it(monkeypatch):
    monkeypatch.setattr(recent, "MAX_KEYS", 3)
    kept = Recent(5, Clock())
    for key in "abc":
        kept.keep(key, key)
    kept.keep("d", "d")
    assert [kept.get(key) for key in "abcd"] == [None, None, None, "d"]
