"""The organisation sync against a fake Grafana that keeps Grafana's real rules (fake_grafana.py, each rule cited).

Run by OrgSyncTest (JUnit) with DESIRED_STATE pointing at prod's document, gzip'd as in the Secret (tenants claims,
payments, webshop), and
SYNC_DIR at the program's folder. Each test is a situation the sync meets in a real Grafana.
"""
import io
import json
import os
import sys
import unittest
from contextlib import redirect_stdout, redirect_stderr

sys.path.insert(0, os.environ["SYNC_DIR"])
import grafana_org_sync as sync  # noqa: E402
from fake_grafana import FakeGrafana  # noqa: E402

PASSWORD = "from-the-secret"


def load_desired():
    """The document as the sync reads it (gzip'd, as the Secret holds it), every organisation written out whole."""
    return sync.expand(sync.load_document(os.environ["DESIRED_STATE"]))


class ApiTest(unittest.TestCase):
    def setUp(self):
        self.desired = load_desired()
        self.tenants = [o["name"] for o in self.desired["organisations"]]
        self.assertEqual(["claims", "payments", "webshop"], self.tenants)
        os.environ["GRAFANA_ADMIN_USER"] = "admin"
        os.environ["GRAFANA_ADMIN_PASSWORD"] = PASSWORD

    def run_sync(self, grafana):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = sync.main(["--desired", os.environ["DESIRED_STATE"], "--url", grafana.url])
            except SystemExit as e:  # today's program ends the run with SystemExit on an HTTP error
                code = e.code
        return code, out.getvalue() + err.getvalue()

    def assert_in_sync(self, grafana, tenant):
        org = grafana.org_id(tenant)
        desired = next(o for o in self.desired["organisations"] if o["name"] == tenant)
        have = grafana.datasources[org]
        for ds in desired["datasources"]:
            self.assertIn(ds["uid"], have, tenant)
            self.assertEqual(ds["url"], have[ds["uid"]]["url"], tenant + "/" + ds["uid"])
            self.assertEqual(ds["secureJsonData"], have[ds["uid"]]["secureJsonData"], tenant + "/" + ds["uid"] + " header")
        for db in desired["dashboards"]:
            self.assertIn(db["uid"], grafana.dashboards[org], tenant)

    def test_a_fresh_grafana_is_synced_and_every_source_is_health_checked(self):
        with FakeGrafana(PASSWORD) as grafana:
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, out)
            for t in self.tenants:
                self.assert_in_sync(grafana, t)
                # R4: the sync created the org, so its admin is the org's Admin and may call org-scoped routes.
                self.assertEqual("Admin", grafana.orgs[grafana.org_id(t)]["members"][1])
            health = [r for r in grafana.requests if r[1].endswith("/health") and r[1].startswith("/api/datasources")]
            self.assertEqual(3 * len(self.tenants), len(health), "one health check per managed data source")
            report = sync.last_report
            self.assertEqual({t: "ok" for t in self.tenants}, {o: r["status"] for o, r in report["organisations"].items()})
            self.assertEqual({"OK"}, {h for r in report["organisations"].values() for h in r["health"].values()})

    def test_an_organisation_someone_else_made_is_left_alone_and_does_not_stop_the_sync(self):
        # Item 1: an SSO server admin makes an org; the sync's admin is not a member, so R3 gives 403 there.
        with FakeGrafana(PASSWORD) as grafana:
            alice = grafana.add_user("alice", "pw", grafana_admin=True)
            finance = grafana.create_org_as(alice, "finance")
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, out)
            for t in self.tenants:
                self.assert_in_sync(grafana, t)
            self.assertEqual([], [r for r in grafana.requests if r[2] == str(finance)],
                             "no organisation-scoped call in an organisation the platform does not manage")
            self.assertEqual({"alice": "Admin"}, {grafana.users[u]["login"]: r for u, r in grafana.orgs[finance]["members"].items()})

    def test_a_foreign_organisation_named_like_a_tenant_fails_that_tenant_only(self):
        with FakeGrafana(PASSWORD) as grafana:
            alice = grafana.add_user("alice", "pw", grafana_admin=True)
            grafana.create_org_as(alice, "payments")
            code, out = self.run_sync(grafana)
            self.assertEqual(1, code, "a tenant left unsynced is a failed run: " + out)
            self.assert_in_sync(grafana, "claims")
            self.assert_in_sync(grafana, "webshop")
            self.assertEqual({}, grafana.datasources[grafana.org_id("payments")], "never written into")
            self.assertIn("payments", out)
            self.assertEqual("failed", sync.last_report["organisations"]["payments"]["status"])

    def test_a_team_made_data_source_with_our_name_fails_that_organisation_and_the_others_are_synced(self):
        # Item 3: R5, a name is unique per organisation; the first 409 must not stop every later tenant.
        with FakeGrafana(PASSWORD) as grafana:
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, out)
            claims = grafana.org_id("claims")
            tempo = next(d for d in self.desired["organisations"][0]["datasources"] if d["type"] == "tempo")
            del grafana.datasources[claims][tempo["uid"]]
            grafana.datasources[claims]["team-tempo"] = {"uid": "team-tempo", "name": tempo["name"], "type": "tempo",
                                                         "url": "http://their-tempo", "access": "proxy", "jsonData": {}}
            # Drift elsewhere too, so the run has work after the failing org.
            webshop = grafana.org_id("webshop")
            grafana.datasources[webshop][tempo["uid"]]["url"] = "http://somewhere-else"
            code, out = self.run_sync(grafana)
            self.assertEqual(1, code, out)
            self.assertIn("claims", out)
            self.assertIn("409", out)
            self.assert_in_sync(grafana, "webshop")
            self.assertEqual("http://their-tempo", grafana.datasources[claims]["team-tempo"]["url"], "the team's own source stays")
            report = sync.last_report["organisations"]
            self.assertEqual(("failed", "ok", "ok"), (report["claims"]["status"], report["payments"]["status"], report["webshop"]["status"]))

    def test_edits_in_the_ui_are_repaired(self):
        # Item 4: a changed URL and another tenant's header value (write-only, R6) are both put back.
        with FakeGrafana(PASSWORD) as grafana:
            self.assertEqual(0, self.run_sync(grafana)[0])
            payments = grafana.org_id("payments")
            sources = grafana.datasources[payments]
            sources["tp-tempo"]["url"] = "http://evil.example"
            sources["tp-loki"]["secureJsonData"]["httpHeaderValue1"] = "claims"
            sources["tp-prometheus"]["jsonData"]["httpHeaderName1"] = "X-Something-Else"
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, out)
            self.assert_in_sync(grafana, "payments")
            self.assertEqual("X-Scope-OrgID", sources["tp-prometheus"]["jsonData"]["httpHeaderName1"])

    def test_a_rotated_admin_password_works_once_grafana_resets_it_at_start(self):
        # Item 2: R7, the env var applied only at first start; the init container's reset makes the Secret true.
        with FakeGrafana("the-old-password") as grafana:
            grafana.restart(env_admin_password=PASSWORD)
            code, out = self.run_sync(grafana)
            self.assertEqual(1, code, out)
            self.assertIn("401", out)
            self.assertIn("reset-admin-password", out, "the message says what makes the password true again")
            failed_logins = [r for r in grafana.requests if r[3] == 401]
            self.assertEqual(1, len(failed_logins), "stops at the first 401: retrying only trips Grafana's login lockout")
            grafana.cli_reset_admin_password(PASSWORD)
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, out)

    def test_an_unhealthy_backend_is_reported_per_organisation(self):
        with FakeGrafana(PASSWORD) as grafana:
            loki = next(d["url"] for d in self.desired["organisations"][0]["datasources"] if d["type"] == "loki")
            grafana.unhealthy[loki] = "Loki: connection refused"
            code, out = self.run_sync(grafana)
            self.assertEqual(0, code, "the sync wrote everything; a backend that is down is reported, not a sync failure")
            for t in self.tenants:
                health = sync.last_report["organisations"][t]["health"]
                self.assertEqual("ERROR: Loki: connection refused", health["tp-loki"], t)
                self.assertEqual("OK", health["tp-tempo"], t)
            self.assertIn("ERROR: Loki: connection refused", out)

    def test_a_second_run_changes_nothing_visible_and_rewrites_only_write_only_values(self):
        with FakeGrafana(PASSWORD) as grafana:
            self.assertEqual(0, self.run_sync(grafana)[0])
            before = json.dumps([grafana.orgs, grafana.datasources, grafana.dashboards], sort_keys=True, default=str)
            grafana.requests.clear()
            self.assertEqual(0, self.run_sync(grafana)[0])
            after = json.dumps([grafana.orgs, grafana.datasources, grafana.dashboards], sort_keys=True, default=str)
            self.assertEqual(before, after)
            writes = sorted({(m, p.split("/api/")[1].split("/")[0]) for m, p, _, _ in grafana.requests if m != "GET"})
            self.assertEqual([("PUT", "datasources")], writes, "only the managed data sources are written again")


if __name__ == "__main__":
    unittest.main()
