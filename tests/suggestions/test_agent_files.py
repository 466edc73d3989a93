"""Agent options that name a file are read only inside the collection's folder and the agents' files
folder, for every way a job starts; and errors about those files never repeat what is in them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from vitrine.errors import SuggestionError
from vitrine.suggestions.files import agent_folders, checked_options
from vitrine.suggestions.run import create_job, run_agent, run_job

SECRET = "VITRINE_WEB__SECRET_KEY=s3cr3t-value"


@pytest.fixture
def files_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "agent-files"
    folder.mkdir()
    monkeypatch.setenv("VITRINE_SUGGEST__FILES_DIR", str(folder))
    return folder


@pytest.mark.parametrize(("agent", "option"), [
    ("authority", "authority"), ("authority", "altnames"), ("entities", "authority"), ("entities", "model"),
    ("faces", "model")])
def test_a_file_option_outside_the_allowed_folders_is_refused_before_anything_is_stored(
        fake_collection: Any, files_dir: Path, tmp_path: Path, agent: str, option: str) -> None:
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    options = {option: str(secret)}
    if option == "altnames":
        options["authority"] = "ok.csv"
    for path in (str(secret), "/proc/self/environ", "../secret.env", f"{fake_collection.root}/../secret.env"):
        options[option] = path
        with pytest.raises(SuggestionError, match=f"the option '{option}' names .* outside the folders"):
            create_job(fake_collection.catalog, agent, options=options, actor="ann")
    assert fake_collection.catalog.jobs.recent(10) == []


def test_a_link_inside_an_allowed_folder_that_points_outside_is_refused(
        fake_collection: Any, files_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    os.symlink(secret, files_dir / "people.csv")
    with pytest.raises(SuggestionError, match="outside the folders"):
        create_job(fake_collection.catalog, "authority", options={"authority": "people.csv"})


def test_files_in_the_files_folder_or_the_collection_are_read_and_relative_paths_go_to_the_files_folder(
        fake_collection: Any, files_dir: Path) -> None:
    assert agent_folders(fake_collection.root) == [files_dir.resolve(), fake_collection.root.resolve()]
    (files_dir / "people.csv").write_text("constituentid,forwarddisplayname\n1,Anna Painter\n")
    checked = checked_options(fake_collection.root, "authority", {"authority": "people.csv", "limit": 2})
    assert checked == {"authority": str((files_dir / "people.csv").resolve()), "limit": 2}
    inside = fake_collection.root / "people.csv"
    inside.write_text("constituentid,forwarddisplayname\n1,Anna Painter\n")
    assert create_job(fake_collection.catalog, "authority", options={"authority": str(inside)}).options == {
        "authority": str(inside.resolve())}
    with pytest.raises(SuggestionError, match="the option 'authority' is the path of a file, not 5"):
        checked_options(fake_collection.root, "authority", {"authority": 5})


def test_the_worker_checks_a_stored_job_again(fake_collection: Any, files_dir: Path) -> None:
    """A job stored before the check existed (or written by hand) is refused when it runs."""
    job = fake_collection.catalog.jobs.create("suggest", "authority", options={"authority": "/etc/passwd"},
                                              scope={}, started_by="ann")
    with pytest.raises(SuggestionError, match="outside the folders"):
        run_job(fake_collection, job.id)


@pytest.mark.parametrize(("text", "said"), [
    ("VITRINE_WEB__SECRET_KEY=s3cr3t-value,other\n1,2\n",  # a header without the needed columns
     "people.csv, line 1: the header has no column 'constituentid'"),
    ("constituentid,preferreddisplayname,beginyear\n1,Anna,s3cr3t-value\n",  # a cell that is not a year
     "people.csv, line 2: the 'beginyear' column does not hold a year")])
def test_errors_about_an_authority_file_name_the_file_line_and_column_never_its_content(
        fake_collection: Any, files_dir: Path, text: str, said: str) -> None:
    (files_dir / "people.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SuggestionError) as raised:  # the file is read when the job starts: it fails
        run_agent(fake_collection, "authority", options={"authority": "people.csv"}, actor="ann")
    [job] = fake_collection.catalog.jobs.recent(1)
    assert job.state == "failed" and said in job.message and said in str(raised.value)
    assert "s3cr3t" not in job.message + str(raised.value) and "SECRET" not in job.message


def test_an_agent_may_not_follow_imports_with_a_file_outside_the_allowed_folders(
        fake_collection: Any, files_dir: Path, tmp_path: Path) -> None:
    from vitrine.suggestions.follow import follow, followed

    secret = tmp_path / "secret.csv"
    secret.write_text("name,type\n" + SECRET + ",planet\n", encoding="utf-8")
    with pytest.raises(SuggestionError, match="outside the folders") as raised:
        follow(fake_collection, "entities", {"authority": str(secret)}, actor="ann")
    assert "s3cr3t" not in str(raised.value) and followed(fake_collection) == []
    (files_dir / "names.csv").write_text("name,type\nAnna Painter,person\n", encoding="utf-8")
    follow(fake_collection, "entities", {"authority": "names.csv"}, actor="ann")
    assert followed(fake_collection) == [{"agent": "entities", "options": {"authority": "names.csv"}}]
