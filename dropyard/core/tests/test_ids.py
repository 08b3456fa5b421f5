from dropyard.core import ids


def test_ids_in_one_process_are_unique_and_increasing():
    issued = [int(ids.new_public_id()) for _ in range(50_000)]

    assert len(set(issued)) == 50_000
    assert issued == sorted(issued)


def test_ids_are_long_decimal_strings():
    value = ids.new_public_id()

    assert value.isdigit()
    assert 17 <= len(value) <= 19


def test_same_millisecond_counts_on(monkeypatch):
    monkeypatch.setattr(ids.time, "time", lambda: 1_700_000_000.0)
    monkeypatch.setattr(ids, "_last", 0)
    monkeypatch.setattr(ids.secrets, "randbits", lambda bits: 5)

    first, second, third = (int(ids.new_public_id()) for _ in range(3))

    millis = 1_700_000_000_000 - ids._EPOCH_MS
    assert (first, second, third) == (
        (millis << 22) | 5,
        (millis << 22) | 6,
        (millis << 22) | 7,
    )
