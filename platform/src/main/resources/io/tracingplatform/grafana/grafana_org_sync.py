#!/usr/bin/env python3
"""Grafana organisation sync of the tracing platform.

Grafana OSS cannot create organisations from provisioning files (grafana/grafana#12119), so this program makes
Grafana's organisations equal to the desired-state document the Pulumi program generates: it creates missing
tenant organisations, creates or updates their data sources and dashboards, removes managed data sources that
are no longer wanted, and disables organisations of offboarded tenants (their managed data sources and members
removed, the organisation renamed; dashboards kept). Idempotent: a second run with the same document does
nothing. Standard library only, so it runs in a plain pinned Python image.

  grafana_org_sync.py --desired desired-state.json --url http://grafana:3000      # apply
  grafana_org_sync.py --desired desired-state.json --url ... --dry-run            # print the plan only
  grafana_org_sync.py --desired desired-state.json --current state.json --dry-run # plan against a saved state

Credentials: GRAFANA_ADMIN_USER, GRAFANA_ADMIN_PASSWORD (a Grafana server admin; basic auth).
Exit codes: 0 done, 1 an API call failed (the Job retries), 2 bad arguments or document.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HASH_KEY = "tracingPlatformHash"  # jsonData key holding a data source's fingerprint
HASH_TAG = "tp-hash-"  # dashboard tag prefix holding a dashboard's fingerprint
MAIN_ORG = 1


def fingerprint(obj):
    """Stable short hash of a JSON value (secure fields included, so a changed header value is seen)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan(desired, current):
    """The actions that make `current` what `desired` says. Pure.

    current: {"orgs": [{"id", "name", "datasources": {uid: fingerprint or None},
                        "dashboards": {uid: fingerprint or None}, "users": [{"userId", "login"}]}]}
    An action's "org" is an org id, or the name of an organisation a previous create-org action makes;
    "tenant" names the desired organisation whose data source or dashboard it writes.
    """
    prefix = desired["managedPrefix"]
    suffix = desired["offboardedSuffix"]
    marker = prefix + "tempo"
    by_name = {o["name"]: o for o in current["orgs"]}
    actions = []
    wanted = set()
    for org in desired["organisations"]:
        name = org["name"]
        wanted.add(name)
        cur = by_name.get(name)
        if cur is None and name + suffix in by_name:
            # The tenant came back: its old organisation (and dashboards) return with it.
            cur = by_name[name + suffix]
            actions.append({"op": "rename-org", "org": cur["id"], "name": name})
        if cur is None:
            actions.append({"op": "create-org", "name": name})
            ref, have_ds, have_db = name, {}, {}
        else:
            ref, have_ds, have_db = cur["id"], cur["datasources"], cur["dashboards"]
        uids = set()
        for ds in org["datasources"]:
            uids.add(ds["uid"])
            fp = fingerprint(ds)
            if ds["uid"] not in have_ds:
                actions.append({"op": "create-datasource", "org": ref, "tenant": name, "uid": ds["uid"], "fingerprint": fp})
            elif have_ds[ds["uid"]] != fp:
                actions.append({"op": "update-datasource", "org": ref, "tenant": name, "uid": ds["uid"], "fingerprint": fp})
        for uid in sorted(have_ds):
            if uid.startswith(prefix) and uid not in uids:
                actions.append({"op": "delete-datasource", "org": ref, "uid": uid})
        for db in org["dashboards"]:
            fp = fingerprint(db["model"])
            if have_db.get(db["uid"]) != fp:
                actions.append({"op": "put-dashboard", "org": ref, "tenant": name, "uid": db["uid"], "fingerprint": fp})
    for cur in current["orgs"]:
        if cur["id"] == MAIN_ORG or cur["name"] in wanted or cur["name"].endswith(suffix):
            continue
        if marker not in cur["datasources"]:
            continue  # not an organisation this platform made: never touched
        for uid in sorted(cur["datasources"]):
            if uid.startswith(prefix):
                actions.append({"op": "delete-datasource", "org": cur["id"], "uid": uid})
        for user in cur["users"]:
            actions.append({"op": "remove-user", "org": cur["id"], "userId": user["userId"], "login": user["login"]})
        actions.append({"op": "rename-org", "org": cur["id"], "name": cur["name"] + suffix})
    return actions


class Grafana:
    """The few Grafana HTTP API calls the sync needs (Grafana docs, HTTP API: Organization, Data source,
    Dashboard, Search). Organisation-scoped calls carry X-Grafana-Org-Id."""

    def __init__(self, url, user, password, timeout=30):
        self.url = url.rstrip("/")
        self.user = user
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": "Basic " + token, "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.timeout = timeout

    def call(self, method, path, body=None, org=None, missing_ok=False):
        headers = dict(self.headers)
        if org is not None:
            headers["X-Grafana-Org-Id"] = str(org)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            if missing_ok and e.code == 404:
                return None
            detail = e.read().decode("utf-8", "replace")[:300]
            raise SystemExit(f"grafana-org-sync: {method} {path} (org {org}) failed: HTTP {e.code} {detail}") from None

    def wait_until_ready(self, deadline_s=300):
        start = time.monotonic()
        while True:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() - start > deadline_s:
                raise SystemExit(f"grafana-org-sync: {self.url}/api/health not ready after {deadline_s}s")
            time.sleep(5)

    def state(self):
        orgs = []
        page = 1
        while True:
            batch = self.call("GET", f"/api/orgs?perpage=1000&page={page}")
            orgs.extend(batch)
            if len(batch) < 1000:
                break
            page += 1
        out = []
        for org in orgs:
            oid = org["id"]
            entry = {"id": oid, "name": org["name"], "datasources": {}, "dashboards": {}, "users": []}
            if oid != MAIN_ORG:
                for ds in self.call("GET", "/api/datasources", org=oid) or []:
                    entry["datasources"][ds["uid"]] = (ds.get("jsonData") or {}).get(HASH_KEY)
                for hit in self.call("GET", "/api/search?type=dash-db&limit=5000", org=oid) or []:
                    tags = [t[len(HASH_TAG):] for t in hit.get("tags", []) if t.startswith(HASH_TAG)]
                    entry["dashboards"][hit["uid"]] = tags[0] if tags else None
                for user in self.call("GET", f"/api/orgs/{oid}/users") or []:
                    if user["login"] != self.user:  # the sync's own admin stays (an org keeps an admin)
                        entry["users"].append({"userId": user["userId"], "login": user["login"]})
            out.append(entry)
        return {"orgs": out}

    def apply(self, desired, actions):
        sources = {(o["name"], d["uid"]): d for o in desired["organisations"] for d in o["datasources"]}
        boards = {(o["name"], d["uid"]): d for o in desired["organisations"] for d in o["dashboards"]}
        created = {}  # name -> id of the organisations this run creates
        for action in actions:
            op = action["op"]
            org = action.get("org")
            org = created.get(org, org) if isinstance(org, str) else org
            if op == "create-org":
                created[action["name"]] = self.call("POST", "/api/orgs", {"name": action["name"]})["orgId"]
            elif op == "rename-org":
                self.call("PUT", f"/api/orgs/{org}", {"name": action["name"]})
            elif op in ("create-datasource", "update-datasource"):
                body = json.loads(json.dumps(sources[(action["tenant"], action["uid"])]))
                body.setdefault("jsonData", {})[HASH_KEY] = action["fingerprint"]
                if op == "create-datasource":
                    self.call("POST", "/api/datasources", body, org=org)
                else:
                    self.call("PUT", f"/api/datasources/uid/{urllib.parse.quote(action['uid'])}", body, org=org)
            elif op == "delete-datasource":
                self.call("DELETE", f"/api/datasources/uid/{urllib.parse.quote(action['uid'])}", org=org, missing_ok=True)
            elif op == "put-dashboard":
                model = json.loads(json.dumps(boards[(action["tenant"], action["uid"])]["model"]))
                model.pop("id", None)
                model["tags"] = [t for t in model.get("tags", []) if not t.startswith(HASH_TAG)] + [HASH_TAG + action["fingerprint"]]
                self.call("POST", "/api/dashboards/db", {"dashboard": model, "overwrite": True,
                                                         "message": "tracing-platform organisation sync"}, org=org)
            elif op == "remove-user":
                self.call("DELETE", f"/api/orgs/{org}/users/{action['userId']}", missing_ok=True)
            print("grafana-org-sync: " + describe(action), flush=True)


def describe(action):
    rest = ", ".join(f"{k}={v}" for k, v in action.items() if k not in ("op", "fingerprint"))
    return f"{action['op']} {rest}"


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"grafana-org-sync: cannot read the {what} {path}: {e}", file=sys.stderr)
        sys.exit(2)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make Grafana's organisations what the desired state says.")
    parser.add_argument("--desired", required=True, help="desired-state JSON generated by the platform")
    parser.add_argument("--url", help="Grafana base URL")
    parser.add_argument("--current", help="plan against this saved state instead of asking Grafana")
    parser.add_argument("--dry-run", action="store_true", help="print the plan as JSON and change nothing")
    args = parser.parse_args(argv)
    desired = load_json(args.desired, "desired state")
    if desired.get("apiVersion") != 1:
        print(f"grafana-org-sync: {args.desired}: apiVersion {desired.get('apiVersion')!r} is not 1", file=sys.stderr)
        return 2
    if args.current:
        current, grafana = load_json(args.current, "current state"), None
    else:
        if not args.url:
            print("grafana-org-sync: --url is required unless --current is given", file=sys.stderr)
            return 2
        user = os.environ.get("GRAFANA_ADMIN_USER", "admin")
        password = os.environ.get("GRAFANA_ADMIN_PASSWORD")
        if not password:
            print("grafana-org-sync: GRAFANA_ADMIN_PASSWORD is not set", file=sys.stderr)
            return 2
        grafana = Grafana(args.url, user, password)
        grafana.wait_until_ready()
        current = grafana.state()
    actions = plan(desired, current)
    if args.dry_run or grafana is None:
        print(json.dumps(actions, indent=2, sort_keys=True))
        return 0
    grafana.apply(desired, actions)
    print(f"grafana-org-sync: {len(actions)} change(s); {len(desired['organisations'])} tenant organisation(s) in sync",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
