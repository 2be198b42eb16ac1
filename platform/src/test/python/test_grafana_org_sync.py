"""Tests of the Grafana organisation sync's planning, on the desired state the Java program generated.

Run by OrgSyncTest (JUnit) with DESIRED_STATE pointing at prod's document (gzip'd, as the Secret holds it),
EXPECTED_ORGANISATIONS at the organisations of Java's model written out whole, and SYNC_DIR at the program's folder.
"""
import copy
import gzip
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout, redirect_stderr

sys.path.insert(0, os.environ["SYNC_DIR"])
import grafana_org_sync as sync  # noqa: E402


def load_desired():
    """The document as the sync reads it (gzip'd, as the Secret holds it), every organisation written out whole."""
    return sync.expand(sync.load_document(os.environ["DESIRED_STATE"]))


def main_org():
    return {"id": 1, "name": "Main Org.", "member": True, "datasources": {}, "dashboards": {}, "users": []}


def converged(desired, first_id=2):
    """What Grafana holds after a successful sync of `desired`."""
    orgs = [main_org()]
    for i, org in enumerate(desired["organisations"]):
        orgs.append({"id": first_id + i, "name": org["name"], "member": True,
                     "datasources": {d["uid"]: sync.visible(d) for d in org["datasources"]},
                     "dashboards": {d["uid"]: sync.fingerprint(d["model"]) for d in org["dashboards"]},
                     "users": [{"userId": 7 + i, "login": "someone-" + org["name"]}]})
    return {"orgs": orgs}


def ops(actions, refresh=False):
    """The ops of a plan; the write-only refresh of every managed data source left out unless asked for."""
    return sorted(a["op"] for a in actions if refresh or a["op"] != "refresh-datasource")


class DocumentTest(unittest.TestCase):
    def test_the_stored_document_expands_to_exactly_the_organisations_java_planned(self):
        with open(os.environ["EXPECTED_ORGANISATIONS"], encoding="utf-8") as f:
            expected = json.load(f)
        self.assertEqual(expected, load_desired()["organisations"],
                         "the sync plans from the same organisations as when the document listed them whole")

    def test_the_secret_holds_gzip_and_render_s_plain_json_reads_the_same(self):
        with open(os.environ["DESIRED_STATE"], "rb") as f:
            raw = f.read()
        self.assertEqual(b"\x1f\x8b", raw[:2], "gzip, as the Secret holds it")
        with tempfile.TemporaryDirectory() as d:
            plain = os.path.join(d, "desired-state.json")
            with open(plain, "wb") as f:
                f.write(gzip.decompress(raw))
            self.assertEqual(load_desired(), sync.expand(sync.load_document(plain)))

    def test_merge_patch_is_rfc_7386_and_leaves_its_target_alone(self):
        target = {"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}
        patched = sync.merge_patch(target, {"a": "z", "c": {"f": None}, "l": [3], "n": {"x": 1}})
        self.assertEqual({"a": "z", "c": {"d": "e"}, "l": [3], "n": {"x": 1}}, patched)
        self.assertEqual({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}, target)


class PlanTest(unittest.TestCase):
    def setUp(self):
        self.desired = load_desired()
        self.tenants = [o["name"] for o in self.desired["organisations"]]
        self.assertEqual(["claims", "payments", "webshop"], self.tenants)

    def test_a_fresh_grafana_gets_every_organisation_source_and_dashboard(self):
        actions = sync.plan(self.desired, {"orgs": [main_org()]})
        n = len(self.tenants)
        self.assertEqual(["create-datasource"] * (3 * n) + ["create-org"] * n + ["put-dashboard"] * (2 * n), ops(actions))
        # An organisation is created before anything is written into it.
        for tenant in self.tenants:
            first = next(i for i, a in enumerate(actions) if a.get("name") == tenant or a.get("org") == tenant)
            self.assertEqual("create-org", actions[first]["op"], tenant)

    def test_a_converged_grafana_needs_only_the_write_only_values_again(self):
        actions = sync.plan(self.desired, converged(self.desired))
        self.assertEqual(["refresh-datasource"] * (3 * len(self.tenants)), ops(actions, refresh=True),
                         "secure header values cannot be read back, so every managed source is written again")

    def test_a_changed_limit_rewrites_only_that_tenants_dashboard(self):
        current = converged(self.desired)
        changed = copy.deepcopy(self.desired)
        payments = next(o for o in changed["organisations"] if o["name"] == "payments")
        for v in payments["dashboards"][0]["model"]["templating"]["list"]:
            if v["name"] == "rate_limit_bytes":
                v["query"] = "30000000"
        actions = [a for a in sync.plan(changed, current) if a["op"] != "refresh-datasource"]
        self.assertEqual([{"op": "put-dashboard", "org": 3, "tenant": "payments", "uid": "tp-tenant-usage",
                           "fingerprint": sync.fingerprint(payments["dashboards"][0]["model"])}], actions)

    def test_a_changed_url_or_header_name_is_drift_and_named(self):
        current = converged(self.desired)
        claims = next(o for o in current["orgs"] if o["name"] == "claims")
        claims["datasources"]["tp-tempo"]["url"] = "http://elsewhere"
        claims["datasources"]["tp-loki"]["jsonData"] = dict(claims["datasources"]["tp-loki"]["jsonData"], httpHeaderName1="X-Other")
        claims["datasources"]["tp-prometheus"]["secureJsonFields"] = []
        actions = [a for a in sync.plan(self.desired, current) if a["op"] == "update-datasource"]
        self.assertEqual({"tp-tempo": ["url"], "tp-loki": ["jsonData"], "tp-prometheus": ["secureJsonFields"]},
                         {a["uid"]: a["drift"] for a in actions})
        self.assertEqual({"claims"}, {a["tenant"] for a in actions})

    def test_an_offboarded_tenant_loses_access_and_keeps_its_dashboards(self):
        current = converged(self.desired)
        gone = copy.deepcopy(current)
        gone["orgs"].append({"id": 9, "name": "oldteam", "member": True,
                             "datasources": {"tp-tempo": {}, "tp-loki": {}, "tp-prometheus": {}, "their-own": {}},
                             "dashboards": {"tp-tenant-usage": "h", "their-dashboard": None},
                             "users": [{"userId": 41, "login": "alice"}]})
        actions = [a for a in sync.plan(self.desired, gone) if a["op"] != "refresh-datasource"]
        self.assertEqual([
            {"op": "delete-datasource", "org": 9, "was": "oldteam", "uid": "tp-loki"},
            {"op": "delete-datasource", "org": 9, "was": "oldteam", "uid": "tp-prometheus"},
            {"op": "delete-datasource", "org": 9, "was": "oldteam", "uid": "tp-tempo"},
            {"op": "remove-user", "org": 9, "was": "oldteam", "userId": 41, "login": "alice"},
            {"op": "rename-org", "org": 9, "was": "oldteam", "name": "oldteam (offboarded)"},
        ], actions)
        # Once disabled it is left alone.
        disabled = copy.deepcopy(current)
        disabled["orgs"].append({"id": 9, "name": "oldteam (offboarded)", "member": True, "datasources": {"their-own": {}},
                                 "dashboards": {"tp-tenant-usage": "h"}, "users": []})
        self.assertEqual([], ops(sync.plan(self.desired, disabled)))

    def test_an_organisation_the_platform_did_not_make_is_never_touched(self):
        current = converged(self.desired)
        current["orgs"].append({"id": 12, "name": "finance", "member": True, "datasources": {"finance-prom": {}},
                                "dashboards": {}, "users": [{"userId": 5, "login": "bob"}]})
        # Not a member: the sync could not even read it, and never plans anything there, marker or not.
        current["orgs"].append({"id": 13, "name": "sso-admins-own", "member": False, "datasources": {},
                                "dashboards": {}, "users": []})
        self.assertEqual([], ops(sync.plan(self.desired, current)))

    def test_a_tenant_whose_name_is_taken_by_a_foreign_organisation_is_refused_not_written(self):
        current = converged(self.desired)
        payments = next(o for o in current["orgs"] if o["name"] == "payments")
        payments.update({"member": False, "datasources": {}, "dashboards": {}})
        actions = sync.plan(self.desired, current)
        self.assertEqual([{"op": "refuse-org", "org": payments["id"], "tenant": "payments"}],
                         [{k: v for k, v in a.items() if k != "reason"} for a in actions if a.get("tenant") == "payments"])

    def test_an_unreadable_organisation_is_refused_and_the_others_planned(self):
        current = converged(self.desired)
        claims = next(o for o in current["orgs"] if o["name"] == "claims")
        claims["error"] = "cannot read it: HTTP 500"
        actions = sync.plan(self.desired, current)
        self.assertEqual(["refuse-org"], [a["op"] for a in actions if a.get("tenant") == "claims"])
        self.assertEqual(6, sum(1 for a in actions if a.get("tenant") in ("payments", "webshop")))

    def test_a_returning_tenant_gets_its_old_organisation_back(self):
        current = converged(self.desired)
        payments = next(o for o in current["orgs"] if o["name"] == "payments")
        payments["name"] = "payments (offboarded)"
        payments["datasources"] = {}
        actions = [a for a in sync.plan(self.desired, current) if a.get("tenant") == "payments"]
        self.assertEqual({"op": "rename-org", "org": payments["id"], "name": "payments", "tenant": "payments"}, actions[0])
        self.assertEqual(["create-datasource"] * 3 + ["rename-org"], ops(actions))

    def test_a_managed_source_no_longer_wanted_goes_and_a_teams_own_stays(self):
        current = converged(self.desired)
        claims = next(o for o in current["orgs"] if o["name"] == "claims")
        claims["datasources"]["tp-old-thing"] = {}
        claims["datasources"]["team-made"] = {}
        self.assertEqual([{"op": "delete-datasource", "org": claims["id"], "tenant": "claims", "uid": "tp-old-thing"}],
                         [a for a in sync.plan(self.desired, current) if a["op"] != "refresh-datasource"])

    def test_what_is_compared_shows_which_secure_fields_are_set_never_their_values(self):
        ds = copy.deepcopy(self.desired["organisations"][0]["datasources"][0])
        shown = sync.visible(ds)
        self.assertEqual(["httpHeaderValue1"], shown["secureJsonFields"])
        self.assertNotIn(ds["secureJsonData"]["httpHeaderValue1"], json.dumps(shown["secureJsonFields"]))


class CommandLineTest(unittest.TestCase):
    def run_main(self, argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = sync.main(argv)
        return code, out.getvalue(), err.getvalue()

    def test_dry_run_against_a_saved_state_prints_the_plan(self):
        with tempfile.TemporaryDirectory() as d:
            current = os.path.join(d, "state.json")
            with open(current, "w") as f:
                json.dump({"orgs": [main_org()]}, f)
            code, out, _ = self.run_main(["--desired", os.environ["DESIRED_STATE"], "--current", current, "--dry-run"])
        self.assertEqual(0, code)
        self.assertEqual(3, sum(1 for a in json.loads(out) if a["op"] == "create-org"))
        self.assertNotIn("httpHeaderValue1", out, "the plan names what changes, never a header value")

    def test_a_bad_document_exits_2_and_names_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "desired.json")
            with open(bad, "w") as f:
                f.write("{not json")
            with self.assertRaises(SystemExit) as raised:
                self.run_main(["--desired", bad, "--current", bad])
            self.assertEqual(2, raised.exception.code)
            wrong = os.path.join(d, "v3.json")
            with open(wrong, "w") as f:
                json.dump({"apiVersion": 3}, f)
            code, _, err = self.run_main(["--desired", wrong, "--current", wrong])
            self.assertEqual(2, code)
            self.assertIn("v3.json", err)

    def test_a_document_of_another_format_version_is_refused_clearly(self):
        # The format before this one (every organisation written out whole, apiVersion 1), gzip'd as in a Secret:
        # an old document beside a new sync (or the reverse) must stop with what is wrong, never be half-read.
        old = {"apiVersion": 1, "managedPrefix": "tp-", "offboardedSuffix": " (offboarded)", "roleMappings": [],
               "organisations": load_desired()["organisations"]}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "desired-state.json.gz")
            with open(path, "wb") as f:
                f.write(gzip.compress(json.dumps(old).encode()))
            state = os.path.join(d, "state.json")
            with open(state, "w") as f:
                json.dump({"orgs": [main_org()]}, f)
            code, out, err = self.run_main(["--desired", path, "--current", state, "--dry-run"])
        self.assertEqual(2, code, out)
        self.assertEqual("", out, "nothing planned")
        self.assertIn("desired-state.json.gz: desired-state format apiVersion 1, but this sync reads apiVersion 2 only", err)
        self.assertIn("different platform versions", err)
        with self.assertRaises(sync.DocumentError):
            sync.expand({"apiVersion": 2, "organisations": []})  # the right version, but no shared part: refused too

    def test_without_a_password_it_refuses_to_start(self):
        os.environ.pop("GRAFANA_ADMIN_PASSWORD", None)
        code, _, err = self.run_main(["--desired", os.environ["DESIRED_STATE"], "--url", "http://127.0.0.1:9"])
        self.assertEqual(2, code)
        self.assertIn("GRAFANA_ADMIN_PASSWORD", err)


if __name__ == "__main__":
    unittest.main()
