"""Real Chromium: a facilitator downloads the summary, imports the operator's backup as a new event,
and deletes the copy."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab
from tests.support.env import ROOT

pytestmark = pytest.mark.browser


def test_summary_download_backup_import_and_delete_from_the_console(live_server, new_context, tmp_path):
    slug, fac_url = live_server.create_event("Umzugscamp")
    page = new_context("laptop").new_page()
    page.goto(fac_url)
    console_tab(page, "Data & privacy")
    section = page.get_by_role("region", name="Data and privacy")
    expect(section).to_contain_text("Anonymous questions and tips are deleted automatically on")

    with page.expect_download() as download:
        section.get_by_role("link", name="Download the summary (JSON)").click()
    summary = tmp_path / "summary.json"
    download.value.save_as(summary)
    assert json.loads(summary.read_text())["event"]["name"] == "Umzugscamp"

    backup = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "backup", slug],
        cwd=ROOT, env=live_server.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    path = tmp_path / "backup.json"
    path.write_text(backup.stdout)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Moving an event from another server? Import its backup.").click()
    form = page.get_by_role("form", name="Import an event")
    form.get_by_role("button", name="Import").click()
    expect(form.get_by_text("Please choose a backup file.")).to_be_visible()
    form.get_by_label("Backup file (.json)").set_input_files(summary)  # the summary is no backup
    form.get_by_role("button", name="Import").click()
    expect(form.get_by_text("This is not a barcamp event backup.", exact=False)).to_be_visible()
    form.get_by_label("Backup file (.json)").set_input_files(path)
    form.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Your event is ready")).to_be_visible()
    copy = page.locator("#attendee-link").get_attribute("href").split("/")[2]
    assert copy != slug

    page.goto(f"{live_server.url}/e/{copy}/facilitate")
    delete = page.get_by_role("form", name="Delete the event")
    delete.get_by_label("Type the join code to confirm").fill("NOPE")
    delete.get_by_role("button", name="Delete event and all data").click()
    expect(page.get_by_text("That is not this event's join code.")).to_be_visible()
    hint = page.get_by_role("form", name="Delete the event").get_by_text(re.compile("The join code is"))
    code = re.search(r"The join code is (\w+)", hint.inner_text()).group(1)
    page.get_by_role("form", name="Delete the event").get_by_label("Type the join code to confirm").fill(code)
    page.get_by_role("form", name="Delete the event").get_by_role("button", name="Delete event and all data").click()
    expect(page.get_by_text("The event and all its data were deleted.")).to_be_visible()
    assert page.goto(f"{live_server.url}/e/{copy}").status == 404
    assert page.goto(f"{live_server.url}/e/{slug}").status == 200  # the original is untouched
