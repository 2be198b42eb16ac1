#!/usr/bin/env python3
"""Grafana organisation sync of the tracing platform.

Grafana OSS cannot create organisations from provisioning files (grafana/grafana#12119), so this program makes
Grafana's organisations equal to the desired-state document the Pulumi program generates: it creates missing
tenant organisations, writes their data sources and dashboards, removes managed data sources that are no longer
wanted, and disables organisations of offboarded tenants (their managed data sources and members removed, the
organisation renamed; dashboards kept). Then it runs Grafana's health check of every managed data source and
reports each organisation. Standard library only, so it runs in a plain pinned Python image.

Which organisations it touches: only those the platform manages, i.e. organisations its admin user is a member
of (Grafana makes the creator of an organisation its Admin, and the sync creates every tenant organisation), plus
the offboarding rule's marker (a data source with uid <managedPrefix>tempo). An organisation someone else made
(any SSO server admin can) is never read or written: organisation-scoped calls there would be 403 anyway.

Failures are per organisation: an error in one is reported and the run carries on with the others; the exit code
is 1 at the end if any organisation failed. A 401 ends the run at once (every further call would fail the same
way, and repeated failed logins trip Grafana's brute-force lockout).

Drift: data sources are compared on what Grafana shows (name, type, url, access, isDefault, basicAuth, jsonData,
which secure fields are set) and updated where they differ; secure values (the tenant header) cannot be read
back, so every managed data source is written again on every run ("refresh"). Dashboards are compared by a
fingerprint tag.

The document (format 2): what every tenant organisation has in common once ("shared": data sources and dashboards
by uid), and per organisation a JSON merge patch (RFC 7386) of each against its shared one (the tenant header, the
usage dashboard's limits); `expand` writes every organisation out whole before anything is planned, so planning
is the same as for a document that lists them whole. The Secret holds it gzip'd (it must stay under Kubernetes'
1 MiB); `--desired` takes the gzip'd or the plain JSON (`platformctl render` writes it readable). A document of
another format version is refused (exit 2): the document and this program come from different platform versions.

  grafana_org_sync.py --desired desired-state.json.gz --url http://grafana:3000      # apply
  grafana_org_sync.py --desired desired-state.json.gz --url ... --dry-run            # print the plan only
  grafana_org_sync.py --desired desired-state.json --current state.json --dry-run    # plan against a saved state

Credentials: GRAFANA_ADMIN_USER, GRAFANA_ADMIN_PASSWORD (a Grafana server admin; basic auth).
Exit codes: 0 done, 1 an organisation failed or Grafana refused the credentials (the Job retries), 2 bad arguments
or document.
"""
import argparse
import base64
import gzip
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

FORMAT = 2  # the desired-state document's apiVersion this program reads
HASH_TAG = "tp-hash-"  # dashboard tag prefix holding a dashboard's fingerprint
MAIN_ORG = 1
# What the sync compares of a data source: everything Grafana returns that the desired state sets.
COMPARED = ("name", "type", "url", "access", "isDefault", "basicAuth", "jsonData", "secureJsonFields")
RESET_HINT = ("the admin password in Grafana's database differs from the Secret 'grafana' (key admin-password); "
              "Grafana's init container resets it from the Secret at every start (grafana cli admin "
              "reset-admin-password): restart Grafana, see runbooks/incidents.md")

last_report = None  # the report of the last run of main(), for tests


def fingerprint(obj):
    """Stable short hash of a JSON value."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def visible(ds):
    """What Grafana shows of a data source, in the shape the sync compares (secure fields: which are set)."""
    return {
        "name": ds.get("name"),
        "type": ds.get("type"),
        "url": ds.get("url", ""),
        "access": ds.get("access", "proxy"),
        "isDefault": bool(ds.get("isDefault", False)),
        "basicAuth": bool(ds.get("basicAuth", False)),
        "jsonData": ds.get("jsonData") or {},
        "secureJsonFields": sorted(k for k, v in (ds.get("secureJsonFields") or
                                                  {k: True for k in ds.get("secureJsonData") or {}}).items() if v),
    }


def drift(want, have):
    """The compared fields in which Grafana's data source differs from the desired one."""
    w = visible(want)
    return [f for f in COMPARED if w[f] != have.get(f)]


def subject(action):
    """The organisation an action belongs to, by name: a failure skips that organisation's remaining actions."""
    return action.get("tenant") or action.get("was") or action.get("name")


def plan(desired, current):
    """The actions that make `current` what `desired` says. Pure.

    current: {"orgs": [{"id", "name", "member": bool, "error": optional str,
                        "datasources": {uid: visible(ds)}, "dashboards": {uid: fingerprint or None},
                        "users": [{"userId", "login"}]}]}
    An action's "org" is an org id, or the name of an organisation a previous create-org action makes; "tenant"
    names the desired organisation it concerns, "was" the name of an organisation being offboarded.
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
        if cur is None and by_name.get(name + suffix, {}).get("member"):
            # The tenant came back: its old organisation (and dashboards) return with it.
            cur = by_name[name + suffix]
            actions.append({"op": "rename-org", "org": cur["id"], "name": name, "tenant": name})
        if cur is not None and not cur.get("member", True):
            actions.append({"op": "refuse-org", "org": cur["id"], "tenant": name, "reason":
                            "an organisation with this name exists that the platform did not create (its admin is "
                            "not a member); rename that organisation, or add the admin user to it as Admin"})
            continue
        if cur is not None and cur.get("error"):
            actions.append({"op": "refuse-org", "org": cur["id"], "tenant": name, "reason": cur["error"]})
            continue
        if cur is None:
            actions.append({"op": "create-org", "name": name, "tenant": name})
            ref, have_ds, have_db = name, {}, {}
        else:
            ref, have_ds, have_db = cur["id"], cur["datasources"], cur["dashboards"]
        uids = set()
        for ds in org["datasources"]:
            uids.add(ds["uid"])
            if ds["uid"] not in have_ds:
                actions.append({"op": "create-datasource", "org": ref, "tenant": name, "uid": ds["uid"]})
                continue
            changed = drift(ds, have_ds[ds["uid"]])
            if changed:
                actions.append({"op": "update-datasource", "org": ref, "tenant": name, "uid": ds["uid"], "drift": changed})
            else:
                # Secure values are write-only in Grafana: an edit of the tenant header cannot be seen, so it is
                # written again on every run.
                actions.append({"op": "refresh-datasource", "org": ref, "tenant": name, "uid": ds["uid"]})
        for uid in sorted(have_ds):
            if uid.startswith(prefix) and uid not in uids:
                actions.append({"op": "delete-datasource", "org": ref, "tenant": name, "uid": uid})
        for db in org["dashboards"]:
            fp = fingerprint(db["model"])
            if have_db.get(db["uid"]) != fp:
                actions.append({"op": "put-dashboard", "org": ref, "tenant": name, "uid": db["uid"], "fingerprint": fp})
    for cur in current["orgs"]:
        if cur["id"] == MAIN_ORG or cur["name"] in wanted or cur["name"].endswith(suffix):
            continue
        if not cur.get("member", True) or cur.get("error") or marker not in cur["datasources"]:
            continue  # not an organisation this platform made (or unreadable): never touched
        was = cur["name"]
        for uid in sorted(cur["datasources"]):
            if uid.startswith(prefix):
                actions.append({"op": "delete-datasource", "org": cur["id"], "was": was, "uid": uid})
        for user in cur["users"]:
            actions.append({"op": "remove-user", "org": cur["id"], "was": was, "userId": user["userId"], "login": user["login"]})
        actions.append({"op": "rename-org", "org": cur["id"], "was": was, "name": was + suffix})
    return actions


class GrafanaError(Exception):
    """An HTTP error of one call: fails the organisation it concerns."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class Unauthorized(Exception):
    """Grafana refused the credentials: ends the run."""


class Grafana:
    """The few Grafana HTTP API calls the sync needs (Grafana docs, HTTP API: Organization, User, Data source,
    Dashboard, Search). Organisation-scoped calls carry X-Grafana-Org-Id."""

    def __init__(self, url, user, password, timeout=30):
        self.url = url.rstrip("/")
        self.user = user
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": "Basic " + token, "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.timeout = timeout

    def call(self, method, path, body=None, org=None, missing_ok=False, error_body=False):
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
            raw = e.read().decode("utf-8", "replace")
            if e.code == 401:
                raise Unauthorized(f"{method} {path}: HTTP 401: {RESET_HINT}") from None
            if missing_ok and e.code == 404:
                return None
            if error_body:
                try:
                    return {"httpStatus": e.code, **json.loads(raw)}
                except ValueError:
                    pass
            raise GrafanaError(f"{method} {path} (org {org}): HTTP {e.code} {raw[:300]}", e.code) from None

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

    def state(self, prefix):
        orgs = []
        page = 1
        while True:
            batch = self.call("GET", f"/api/orgs?perpage=1000&page={page}")
            orgs.extend(batch)
            if len(batch) < 1000:
                break
            page += 1
        # The organisations the sync's own user belongs to: the ones it created, and the only ones where
        # organisation-scoped calls are allowed.
        member = {o["orgId"] for o in self.call("GET", "/api/user/orgs") or []}
        out = []
        for org in orgs:
            oid = org["id"]
            entry = {"id": oid, "name": org["name"], "member": oid in member, "datasources": {}, "dashboards": {}, "users": []}
            if oid != MAIN_ORG and entry["member"]:
                try:
                    for ds in self.call("GET", "/api/datasources", org=oid) or []:
                        if ds["uid"].startswith(prefix):
                            # The list has no secureJsonFields; the single read has.
                            ds = self.call("GET", f"/api/datasources/uid/{urllib.parse.quote(ds['uid'])}", org=oid) or ds
                        entry["datasources"][ds["uid"]] = visible(ds)
                    for hit in self.call("GET", "/api/search?type=dash-db&limit=5000", org=oid) or []:
                        tags = [t[len(HASH_TAG):] for t in hit.get("tags", []) if t.startswith(HASH_TAG)]
                        entry["dashboards"][hit["uid"]] = tags[0] if tags else None
                    for user in self.call("GET", f"/api/orgs/{oid}/users") or []:
                        if user["login"] != self.user:  # the sync's own admin stays (an org keeps an admin)
                            entry["users"].append({"userId": user["userId"], "login": user["login"]})
                except GrafanaError as e:
                    entry["error"] = "cannot read it: " + str(e)
            out.append(entry)
        return {"orgs": out}

    def apply(self, desired, actions, report):
        """Runs the actions; an error fails the action's organisation (its later actions are skipped)."""
        sources = {(o["name"], d["uid"]): d for o in desired["organisations"] for d in o["datasources"]}
        boards = {(o["name"], d["uid"]): d for o in desired["organisations"] for d in o["dashboards"]}
        created = {}  # name -> id of the organisations this run creates
        for action in actions:
            op = action["op"]
            who = subject(action)
            entry = report.setdefault(who, {"status": "ok"})
            if entry["status"] == "failed":
                continue
            org = action.get("org")
            org = created.get(org, org) if isinstance(org, str) else org
            try:
                if op == "refuse-org":
                    raise GrafanaError(action["reason"], 0)
                if op == "create-org":
                    created[action["name"]] = self.call("POST", "/api/orgs", {"name": action["name"]})["orgId"]
                    entry["org"] = created[action["name"]]
                elif op == "rename-org":
                    self.call("PUT", f"/api/orgs/{org}", {"name": action["name"]})
                elif op in ("create-datasource", "update-datasource", "refresh-datasource"):
                    body = json.loads(json.dumps(sources[(action["tenant"], action["uid"])]))
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
            except GrafanaError as e:
                entry.update({"status": "failed", "error": str(e)})
                print(f"grafana-org-sync: FAILED {who}: {e}", file=sys.stderr, flush=True)
                continue
            if op != "refresh-datasource":
                print("grafana-org-sync: " + describe(action), flush=True)
        return created

    def health(self, org, uid):
        """Grafana's own health check of a data source (the plugin asks its backend): "OK" or "ERROR: ..."."""
        try:
            result = self.call("GET", f"/api/datasources/uid/{urllib.parse.quote(uid)}/health", org=org, error_body=True) or {}
        except GrafanaError as e:
            return "ERROR: " + str(e)
        if result.get("status") == "OK":
            return "OK"
        return "ERROR: " + str(result.get("message") or result)


def describe(action):
    rest = ", ".join(f"{k}={v}" for k, v in action.items() if k not in ("op", "fingerprint"))
    return f"{action['op']} {rest}"


class DocumentError(Exception):
    """The desired-state document is not one this program reads."""


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch. Returns a new value; `target` is not changed, and the parts of it the patch leaves
    alone are shared by the result (so a thousand organisations hold one copy of a shared dashboard)."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def expand(document):
    """The desired state with every organisation written out whole, as plan() and apply() read it. Read-only: the
    organisations share the parts no patch changes. Raises DocumentError for another format version."""
    version = document.get("apiVersion") if isinstance(document, dict) else None
    if version != FORMAT:
        raise DocumentError(f"desired-state format apiVersion {version!r}, but this sync reads apiVersion {FORMAT} "
                            "only: the document and the sync program come from different platform versions "
                            "(both are written by the same pulumi up; run the sync of that version)")
    try:
        shared = document["shared"]
        organisations = []
        for org in document["organisations"]:
            whole = {"name": org["name"], "tenant": org["tenant"]}
            for kind in ("datasources", "dashboards"):
                whole[kind] = [merge_patch(shared[kind].get(e["uid"], {}), e.get("patch", {})) for e in org[kind]]
            organisations.append(whole)
        return {"managedPrefix": document["managedPrefix"], "offboardedSuffix": document["offboardedSuffix"],
                "organisations": organisations, "roleMappings": document.get("roleMappings", [])}
    except (KeyError, TypeError, AttributeError) as e:
        raise DocumentError(f"not a desired-state document of format {FORMAT}: {type(e).__name__} {e}") from None


def load_document(path):
    """The desired-state document at `path`, gzip'd (as the Secret holds it) or plain JSON (as render writes it)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, EOFError, zlib.error) as e:
        print(f"grafana-org-sync: cannot read the desired state {path}: {e}", file=sys.stderr)
        sys.exit(2)


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"grafana-org-sync: cannot read the {what} {path}: {e}", file=sys.stderr)
        sys.exit(2)


def run(grafana, desired):
    """One sync against a live Grafana: read, plan, apply, health-check. Returns the report."""
    current = grafana.state(desired["managedPrefix"])
    actions = plan(desired, current)
    report = {o["name"]: {"status": "ok"} for o in desired["organisations"]}
    created = grafana.apply(desired, actions, report)
    ids = {o["name"]: o["id"] for o in current["orgs"]}
    ids.update({a["tenant"]: a["org"] for a in actions if a["op"] == "rename-org" and a.get("tenant")})
    ids.update(created)
    for org in desired["organisations"]:
        entry = report[org["name"]]
        entry["health"] = {}
        if entry["status"] != "ok":
            continue
        for ds in org["datasources"]:
            entry["health"][ds["uid"]] = grafana.health(ids[org["name"]], ds["uid"])
    changes = sum(1 for a in actions if a["op"] not in ("refresh-datasource", "refuse-org"))
    return {"organisations": report, "changes": changes}


def main(argv=None):
    global last_report
    last_report = None
    parser = argparse.ArgumentParser(description="Make Grafana's organisations what the desired state says.")
    parser.add_argument("--desired", required=True, help="desired-state document generated by the platform (JSON, gzip'd or not)")
    parser.add_argument("--url", help="Grafana base URL")
    parser.add_argument("--current", help="plan against this saved state instead of asking Grafana")
    parser.add_argument("--dry-run", action="store_true", help="print the plan as JSON and change nothing")
    args = parser.parse_args(argv)
    try:
        desired = expand(load_document(args.desired))
    except DocumentError as e:
        print(f"grafana-org-sync: {args.desired}: {e}", file=sys.stderr)
        return 2
    if args.current:
        print(json.dumps(plan(desired, load_json(args.current, "current state")), indent=2, sort_keys=True))
        return 0
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
    try:
        if args.dry_run:
            print(json.dumps(plan(desired, grafana.state(desired["managedPrefix"])), indent=2, sort_keys=True))
            return 0
        report = run(grafana, desired)
    except Unauthorized as e:
        print(f"grafana-org-sync: {e}", file=sys.stderr, flush=True)
        return 1
    except GrafanaError as e:  # reading the list of organisations failed: nothing can be planned
        print(f"grafana-org-sync: {e}", file=sys.stderr, flush=True)
        return 1
    last_report = report
    orgs = report["organisations"]
    for name in sorted(orgs):
        entry = orgs[name]
        if entry["status"] == "ok":
            health = ", ".join(f"{uid} {h}" for uid, h in sorted(entry.get("health", {}).items()))
            print(f"grafana-org-sync: {name}: ok; health: {health or 'not checked'}", flush=True)
        else:
            print(f"grafana-org-sync: {name}: FAILED: {entry.get('error')}", flush=True)
    failed = sorted(n for n, e in orgs.items() if e["status"] != "ok")
    unhealthy = sorted(n for n, e in orgs.items() if any(h != "OK" for h in e.get("health", {}).values()))
    print("grafana-org-sync report: " + json.dumps(report, sort_keys=True), flush=True)
    print(f"grafana-org-sync: {report['changes']} change(s); {len(orgs) - len(failed)} of {len(orgs)} tenant "
          f"organisation(s) in sync" + (f"; FAILED: {', '.join(failed)}" if failed else "")
          + (f"; data sources not healthy in: {', '.join(unhealthy)}" if unhealthy else ""), flush=True)
    # A backend that is down is reported, not a failed sync: the Job's retries cannot fix it, and the backend's
    # own alerts name it better.
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
