"""English is available: the catalog is well-formed and switching language shows it."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

CATALOG = Path(__file__).resolve().parents[1] / "webapp/translations/en/LC_MESSAGES/messages.po"


def _read_catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


@pytest.fixture
def app_config(app_config, tmp_path):
    # Compile the committed catalog here (the .mo files are build output, not in git).
    target = tmp_path / "translations/en/LC_MESSAGES/messages.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as handle:
        write_mo(handle, _read_catalog())
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production.

    The ``app`` fixture keeps one app context open for the whole test, and Flask reuses it for
    test-client requests, so ``g`` (where Flask-Babel caches the locale) would outlive a request.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


def test_switching_to_english_shows_the_login_page_in_english(client):
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)

    response = client.post("/lang/en", data={"next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page and "Username" in page and "Password" in page
    assert "Đăng nhập" not in page


def test_switching_back_to_vietnamese(client):
    client.post("/lang/en")
    client.post("/lang/vi")
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Sign in" not in page


def test_unknown_language_is_ignored(client):
    client.post("/lang/fr")
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


def test_english_catalog_is_complete_and_consistent():
    catalog = _read_catalog()
    untranslated = [m.id for m in catalog if m.id and not (
        m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert untranslated == [] and fuzzy == [] and problems == []
