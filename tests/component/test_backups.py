"""The pieces of `sanphalang backup` and `restore` on real databases: a database copied out
(SQLite's backup API, pg_dump) with its log's head and without its plaintext rows, and loaded
back (pg_restore) into a database the people service rebuilds its read model in; the key
store's sealed copy (another master key or an altered header does not open it, old ones are
pruned); the rule of the key store a restore leaves; the manifest's checksums."""
from __future__ import annotations

import contextlib
import os
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from sanphalang import database_copies, key_copies
from sanphalang.backup import checksum, copy_files
from sanphalang.database_copies import Database
from sanphalang.restore import check_files, put_files
from services.chassis.database import make_engine
from services.chassis.envelope import utc_timestamp
from services.chassis.privacy import keystore
from services.chassis.privacy.sealing import Master, Unreadable
from services.people import readmodel, rebuild
from services.registry import PLAINTEXT
from tests.keys import ADMIN
from tests.people import people_service, unique_people
from tests.support import pg_database

ROWS = unique_people(3, seed=311)
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}
HOME = {"province": "50", "district": "5001", "subdistrict": "500101", "legal_basis": "consent", "consent": CONSENT}


@contextlib.contextmanager
def _urls(backend, tmp_path, *names):
    if backend == "sqlite":
        yield [f"sqlite:///{tmp_path / (name + '.sqlite')}" for name in names]
        return
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(pg_database()) for _ in names]


def test_a_database_copied_out_and_loaded_back_holds_the_log_and_no_plaintext(backend, tmp_path):
    with _urls(backend, tmp_path, "people", "keys", "restored") as (url, keys_url, restored_url):
        people = people_service(url, keys_url)
        ids = people.as_(ADMIN).register_batch([{**row, **HOME} for row in ROWS])["ids"]
        source, target = Database("people", url), Database("people", restored_url)
        copy = tmp_path / "copies" / f"people{source.suffix}"
        copy.parent.mkdir()
        assert database_copies.holds_data(source) and not database_copies.holds_data(target)

        head = database_copies.copy_out(source, copy, PLAINTEXT["people"])
        assert head == {"seq": people.store.head()["seq"], "hash": people.store.head()["hash"]}
        if backend == "sqlite":  # pg_dump's custom format is compressed: its load below shows the same
            assert not any(row["given_name"].encode() in copy.read_bytes() for row in ROWS)
            with closing(sqlite3.connect(copy)) as conn:  # nor a trigram of a name in the search index
                assert not any(conn.execute("SELECT rowid FROM people_fts WHERE people_fts MATCH ?",
                                            (f'"{row["given_name"][:3]}"',)).fetchall() for row in ROWS)

        database_copies.load(target, copy)
        assert database_copies.head(target) == head
        restored = people_service(restored_url, keys_url)
        with restored.store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(readmodel.people)).scalar() == 0
        assert rebuild.missing(restored.store)
        rebuild.before_answering(restored.store, restored.keys)
        found = restored.as_(ADMIN).list({"q": ROWS[0]["given_name"]})["items"]
        assert ids[0] in [p["id"] for p in found] and restored.as_(ADMIN).verify_chain()["ok"]
        database_copies.load(target, copy)  # again, over what it holds now
        assert database_copies.head(target) == head
        people.close()
        restored.close()


def test_a_key_store_copy_opens_only_with_its_master_and_its_own_header(tmp_path):
    master, engine = Master(os.urandom(32)), make_engine(f"sqlite:///{tmp_path / 'keys.sqlite'}")
    store = keystore.KeyStore(engine, master)
    store.create_schema()
    store.make(["a", "b"])
    store.erase(["b"])
    path = key_copies.write(engine, master, "people", "B1", utc_timestamp(), tmp_path / "copies")
    copy = key_copies.read(path, master)
    assert [row["subject"] for row in copy.keys] == ["a"] and [row["subject"] for row in copy.erased] == ["b"]
    assert master.unwrap("a", copy.keys[0]["wrapped"])  # the key as the store keeps it, wrapped
    with pytest.raises(Unreadable):
        key_copies.read(path, Master(os.urandom(32)))
    header, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(header.replace(b'"made_at":"', b'"made_at":"1') + b"\n" + body)  # a copy made "younger"
    with pytest.raises(Unreadable):
        key_copies.read(path, master)
    engine.dispose()


def test_copies_past_their_window_are_pruned(tmp_path):
    master, engine = Master(os.urandom(32)), make_engine(f"sqlite:///{tmp_path / 'keys.sqlite'}")
    keystore.metadata.create_all(engine)
    old = utc_timestamp(datetime.now(timezone.utc) - timedelta(days=8))
    key_copies.write(engine, master, "people", "OLD", old, tmp_path)
    key_copies.write(engine, master, "people", "NEW", utc_timestamp(), tmp_path)
    assert key_copies.prune(tmp_path, 7) == ["people-keys-OLD.sealed"]
    assert [p.name for p in tmp_path.glob("*.sealed")] == ["people-keys-NEW.sealed"]
    engine.dispose()


def test_a_restore_never_brings_back_a_key_any_record_says_was_erased(tmp_path):
    """Live keys a, b and c erased; the copy has a..e and its own ledger f; the logs say d was
    erased: after, keys a, b, e (e back from the copy), and c, d, f in the ledger."""
    master = Master(os.urandom(32))
    copied = make_engine(f"sqlite:///{tmp_path / 'copied.sqlite'}")
    old = keystore.KeyStore(copied, master)
    old.create_schema()
    old.make(["a", "b", "c", "d", "e", "f"])
    old.erase(["f"])
    copy = key_copies.read(key_copies.write(copied, master, "people", "B", utc_timestamp(), tmp_path), master)
    live = make_engine(f"sqlite:///{tmp_path / 'live.sqlite'}")
    store = keystore.KeyStore(live, master)
    store.create_schema()
    store.make(["a", "b", "c"])
    store.erase(["c"])
    done = key_copies.settle(live, key_copies.live(live), copy, {"d"})
    assert set(store.sealers(["a", "b", "c", "d", "e", "f"])) == {"a", "b", "e"}
    assert store.erased() == {"c", "d", "f"}
    assert done == {"keys_back": 1, "erased": 3, "ledger_added": 2}
    copied.dispose()
    live.dispose()


def test_a_changed_or_missing_file_fails_the_manifest_and_files_are_put_back_exactly(tmp_path):
    kept = tmp_path / "kept"
    (kept / "ab").mkdir(parents=True)
    (kept / "ab" / "abc").write_bytes(b"one")
    (kept / "ab" / ".abc.draft").write_bytes(b"half")  # a file being written is no kept file
    listing = copy_files(kept, tmp_path / "backup" / "files" / "knowledge")
    assert list(listing["files"]) == ["ab/abc"]
    manifest = {"databases": {}, "files": {"knowledge": listing}, "keys": {}}
    assert check_files(tmp_path / "backup", manifest) == []
    (tmp_path / "backup" / "files" / "knowledge" / "ab" / "abc").write_bytes(b"two")
    assert check_files(tmp_path / "backup", manifest) == ["files/knowledge/ab/abc"]
    (tmp_path / "backup" / "files" / "knowledge" / "ab" / "abc").write_bytes(b"one")

    (kept / "cd").mkdir()
    (kept / "cd" / "cde").write_bytes(b"after the backup")
    put_files(tmp_path / "backup" / "files" / "knowledge", kept, listing["files"])
    assert sorted(p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()) == ["ab/abc"]
    assert checksum(kept / "ab" / "abc") == listing["files"]["ab/abc"]
