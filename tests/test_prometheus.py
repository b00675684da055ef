"""The operator's side of /metrics (deploy/prometheus/): Prometheus from Debian scrapes two
gunicorn nodes with the shipped configuration, evaluates the morning's alert rules without an
error and serves the morning console with the check-ins counted over both nodes; promtool
checks the alerts on made-up series (a quiet morning raises none; forged cards, a node down,
the job worker down, offline queues and a slow door each raise theirs)."""

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.deploy import Deployment, free_port, request

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "prometheus"
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
TOKEN = "scrape-token-for-the-test"

pytestmark = pytest.mark.skipif(
    not os.path.exists(PROMETHEUS) and os.environ.get("CI") != "true",
    reason="needs Prometheus (apt-get install prometheus)")


def test_the_alerts_fire_on_the_mornings_they_are_for():
    done = subprocess.run([PROMTOOL, "test", "rules", "diemcau-rules.test.yml"], cwd=DEPLOY,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def _configuration(tmp_path: Path, ports: list[int]) -> Path:
    """The shipped prometheus.yml with the test's nodes, token file and a 1 s interval."""
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    config["rule_files"] = [str(DEPLOY / name) for name in config["rule_files"]]
    (tmp_path / "metrics-token").write_text(TOKEN)
    job = config["scrape_configs"][0]
    job["authorization"]["credentials_file"] = str(tmp_path / "metrics-token")
    job["static_configs"] = [{"targets": [f"127.0.0.1:{port}" for port in ports]}]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    checked = subprocess.run([PROMTOOL, "check", "config", str(path)], capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return path


def _prometheus(deployment: Deployment, config: Path) -> str:
    port = free_port()
    (deployment.tmp / "console-libraries").mkdir()
    with open(deployment.tmp / "prometheus.log", "wb") as log:
        deployment._spawn([PROMETHEUS, f"--config.file={config}",
                           f"--storage.tsdb.path={deployment.tmp / 'tsdb'}",
                           f"--web.listen-address=127.0.0.1:{port}",
                           f"--web.console.templates={DEPLOY / 'consoles'}",
                           f"--web.console.libraries={deployment.tmp / 'console-libraries'}"],
                          stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _until(lambda: _get(url + "/-/ready")[0] == 200, "Prometheus ready")
    return url


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def _query(url: str, promql: str) -> float | None:
    status, body = _get(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
    result = json.loads(body)["data"]["result"] if status == 200 else []
    return float(result[0]["value"][1]) if result else None


def _until(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds} s for {what}")


class _Rows(HTMLParser):
    """Each table's rows (by the table's id) as lists of cell texts, and the rows' ids."""

    def __init__(self):
        super().__init__()
        self.tables, self.row_ids, self._table, self._row, self._cell = {}, {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
            if attrs.get("id"):
                self.row_ids[attrs["id"]] = self._row
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None


def _scan(port: int, data: dict, items: list[dict]) -> list[str]:
    status, _, body = request(port, "POST", f"/api/v1/sessions/{data['session']}/checkins",
                              token=data["token"], body={"items": items})
    assert status == 200, body
    return [result["outcome"] for result in json.loads(body)["results"]]


def test_prometheus_reads_the_morning_of_two_nodes_and_shows_it(tmp_path):
    with Deployment(tmp_path) as deployment:
        a, b = deployment.nodes(2, workers=2, METRICS_TOKEN=TOKEN)
        assert request(a, "GET", "/metrics")[0] == 401  # Prometheus sends the token; others not
        prometheus = _prometheus(deployment, _configuration(tmp_path, [a, b]))
        # Before the first scan every outcome and refusal already reads 0 on both nodes, so
        # the first forged card counts in increase() and rate() (a new series would not).
        zero = 'diemcau_checkins_total{outcome="rejected", code="bad_signature"}'
        assert _until(lambda: _query(prometheus, f"count({zero} == 0)") == 4,
                      "the counters at 0 on both nodes")
        data = deployment.data
        people = list(data["cards"])
        now = datetime.now(timezone.utc).isoformat()

        def item(n: int, person: str, token: str | None = None) -> dict:
            return {"nonce": f"p-{n}", "token": token or data["cards"][person],
                    "venue_id": data["venue"], "scanned_at": now}

        # 12 single scans on node a, 8 on node b, then an offline queue of 5 on b with 3 cards
        # already taken (duplicates), and 2 forged cards at a's door.
        outcomes = [o for n in range(12) for o in _scan(a, data, [item(n, people[n])])]
        outcomes += [o for n in range(12, 20) for o in _scan(b, data, [item(n, people[n])])]
        outcomes += _scan(b, data, [item(100 + n, people[n]) for n in (20, 21, 0, 1, 2)])
        forged = data["cards"][people[30]][:-3] + "xyz"
        outcomes += [o for n in (40, 41) for o in _scan(a, data, [item(n, people[30], forged)])]
        assert outcomes.count("accepted") == 22 and outcomes.count("duplicate") == 3
        assert outcomes.count("rejected") == 2

        _until(lambda: _query(prometheus, 'sum(diemcau_checkins_total{outcome="accepted"})')
               == 22, "both nodes' check-ins scraped")
        assert _query(prometheus, 'count(up{job="diemcau"} == 1)') == 2

        def rules_evaluated():
            groups = json.loads(_get(prometheus + "/api/v1/rules")[1])["data"]["groups"]
            rules = [rule for group in groups for rule in group["rules"]]
            return rules if all(rule["health"] == "ok" for rule in rules) else None
        rules = _until(rules_evaluated, "every rule evaluated")
        assert len(rules) == 10 and not [r["lastError"] for r in rules if r.get("lastError")]

        status, page = _get(prometheus + "/consoles/diemcau.html")
        assert status == 200, page
        shown = _Rows()
        shown.feed(page)
        nodes = {row[0]: row[1] for row in shown.tables["nodes"][1:]}
        assert nodes == {f"127.0.0.1:{a}": "đang chạy", f"127.0.0.1:{b}": "đang chạy"}
        assert shown.row_ids["total-accepted-hall"][:3] == ["điểm danh được", "hội trường", "22"]
        assert shown.row_ids["total-duplicate-hall"][2] == "3"
        assert shown.row_ids["total-rejected-hall"][2] == "2"
        assert ["bad_signature"] == [row[0] for row in shown.tables["refusals"][1:]]
        families = [row[0] for row in shown.tables["latency"][1:]]
        assert "api/checkins" in families
        assert [row[1] for row in shown.tables["batches"][1:]] == ["22", "1", "0"]
        assert shown.tables["jobs"][1][1] == "0" and shown.tables["jobs"][2][1] == "0"
        assert shown.tables["alerts"] == [["Không có cảnh báo"]]
        (tmp_path / "console.html").write_text(page, encoding="utf-8")
