"""A fake Grafana HTTP API for the organisation sync's tests: the few routes the sync calls, with the rules of the
real server that the sync must survive. No Grafana can be built or run on the build machine (upstream's generated
wiring is not in its module, the UI needs a frontend build), so the rules are modelled here, each cited from
Grafana's source (github.com/grafana/grafana). Citations marked (read) were read in a stored copy of the source for
this change; those marked (not re-read) are from knowledge of Grafana 12.x and were not re-read here.

Rules modelled:
  R1 Basic auth against the stored password; a wrong one is 401. (not re-read: pkg/services/authn/clients/basic.go,
     pkg/services/authn/clients/password.go)
  R2 The organisation of a request is the X-Grafana-Org-Id header, else the user's current organisation.
     (read: pkg/services/authn/authnimpl/service.go, orgIDFromRequest / orgIDHeaderName "X-Grafana-Org-Id")
  R3 An organisation-scoped call (data sources, search, dashboards) in an organisation the user is not a member of
     is 403, also for a Grafana server admin: the identity resolved for that org has no org role, so access
     control denies datasources:read. (not re-read: pkg/services/authn/authnimpl/sync/user_sync.go
     FetchSyncedUserHook, pkg/services/user/userimpl/store.go GetSignedInUser, pkg/api/api.go data source routes
     guarded by authorize(ac.EvalPermission(datasources.ActionRead)))
  R4 Creating an organisation (POST /api/orgs) makes its creator the organisation's Admin; names are unique (409).
     (not re-read: pkg/services/org/orgimpl/store.go CreateWithMember, pkg/api/org.go CreateOrg -> 409
     "Organization name taken")
  R5 A data source name is unique per organisation, and so is a uid: 409 on create, and on an update that takes
     another source's name. (not re-read: pkg/services/datasources/service/store.go AddDataSource /
     UpdateDataSource -> datasources.ErrDataSourceNameExists / ErrDataSourceUidExists, pkg/api/datasources.go ->
     409)
  R6 Secure fields are write-only: reads show only which are set (secureJsonFields), never values; an update that
     gives a secure key replaces it. (not re-read: pkg/api/dtos/datasource.go DataSource.SecureJSONFields,
     pkg/services/datasources/service/datasource.go fillWithSecureJSONData)
  R7 The admin password from GF_SECURITY_ADMIN_PASSWORD applies only when the admin user is first created; a
     restart with another value changes nothing; `grafana cli admin reset-admin-password` does. (not re-read:
     conf/defaults.ini [security] admin_password "default admin password, can be changed before first start of
     grafana, or in profile settings"; pkg/cmd/grafana-cli/commands/reset_password_command.go)
  R8 GET /api/datasources/uid/:uid/health runs the plugin's health check: 200 {"status":"OK"} or 400
     {"status":"ERROR","message"}. (not re-read: pkg/api/plugins.go CheckDatasourceHealthWithUID)
"""
import base64
import copy
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAIN_ORG = 1


class FakeGrafana:
    def __init__(self, admin_password):
        self.lock = threading.Lock()
        self.users = {1: {"login": "admin", "password": admin_password, "grafanaAdmin": True}}
        self.orgs = {MAIN_ORG: {"name": "Main Org.", "members": {1: "Admin"}}}
        self.datasources = {MAIN_ORG: {}}  # org -> uid -> data source (with secureJsonData values)
        self.dashboards = {MAIN_ORG: {}}  # org -> uid -> model
        self.unhealthy = {}  # url -> message: the backend behind it is down
        self.requests = []  # (method, path, org header, status)
        self.next_org = 2
        self.next_user = 2
        self.next_ds = 1
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what happens outside the API ---
    def restart(self, env_admin_password):
        """R7: a restart with another GF_SECURITY_ADMIN_PASSWORD leaves the stored password as it is."""
        del env_admin_password

    def cli_reset_admin_password(self, password):
        """R7: what the init container runs at every start."""
        self.users[1]["password"] = password

    def add_user(self, login, password, grafana_admin=False):
        uid = self.next_user
        self.next_user += 1
        self.users[uid] = {"login": login, "password": password, "grafanaAdmin": grafana_admin}
        self.orgs[MAIN_ORG]["members"].setdefault(uid, "Viewer")
        return uid

    def create_org_as(self, user_id, name):
        """An organisation made by someone else (e.g. an SSO server admin in the UI): R4, its creator is Admin."""
        return self._create_org(user_id, name)

    def org_id(self, name):
        return next(i for i, o in self.orgs.items() if o["name"] == name)

    def add_member(self, org, user_id, role):
        self.orgs[org]["members"][user_id] = role

    # --- the routes ---
    def _create_org(self, user_id, name):
        if any(o["name"] == name for o in self.orgs.values()):
            return None
        oid = self.next_org
        self.next_org += 1
        self.orgs[oid] = {"name": name, "members": {user_id: "Admin"}}
        self.datasources[oid] = {}
        self.dashboards[oid] = {}
        return oid

    def _user(self, headers):
        auth = headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        login, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        for uid, u in self.users.items():
            if u["login"] == login and u["password"] == password:
                return uid
        return None

    @staticmethod
    def _list_item(ds):
        return {k: copy.deepcopy(v) for k, v in ds.items() if k not in ("secureJsonData",)}

    @staticmethod
    def _full(ds):
        item = FakeGrafana._list_item(ds)
        item["secureJsonFields"] = {k: True for k in ds.get("secureJsonData", {})}
        return item

    def handle(self, method, path, headers, body):
        url = urllib.parse.urlsplit(path)
        p = url.path
        if p == "/api/health":
            return 200, {"database": "ok"}
        user = self._user(headers)
        if user is None:
            return 401, {"message": "Invalid username or password"}  # R1
        admin = self.users[user]["grafanaAdmin"]
        header = headers.get("X-Grafana-Org-Id")
        org = int(header) if header else MAIN_ORG  # R2
        if p == "/api/orgs" and method == "GET":
            if not admin:
                return 403, {"message": "Permission denied"}
            return 200, [{"id": i, "name": o["name"]} for i, o in sorted(self.orgs.items())]
        if p == "/api/orgs" and method == "POST":
            oid = self._create_org(user, body["name"])
            if oid is None:
                return 409, {"message": "Organization name taken"}  # R4
            return 200, {"orgId": oid, "message": "Organization created"}
        if p == "/api/user/orgs":
            return 200, [{"orgId": i, "name": o["name"], "role": o["members"][user]}
                         for i, o in sorted(self.orgs.items()) if user in o["members"]]
        m = re.fullmatch(r"/api/orgs/(\d+)", p)
        if m and method == "PUT":
            oid = int(m.group(1))
            if any(o["name"] == body["name"] and i != oid for i, o in self.orgs.items()):
                return 409, {"message": "Organization name taken"}
            self.orgs[oid]["name"] = body["name"]
            return 200, {"message": "Organization updated"}
        m = re.fullmatch(r"/api/orgs/(\d+)/users(?:/(\d+))?", p)
        if m:
            oid = int(m.group(1))
            if method == "GET":
                return 200, [{"userId": u, "login": self.users[u]["login"], "role": r}
                             for u, r in sorted(self.orgs[oid]["members"].items())]
            if method == "DELETE":
                self.orgs[oid]["members"].pop(int(m.group(2)), None)
                return 200, {"message": "User removed from organization"}
        # Everything below is organisation-scoped.
        if org not in self.orgs or user not in self.orgs[org]["members"]:
            return 403, {"message": "You'll need additional permissions to perform this action."}  # R3
        sources = self.datasources[org]
        if p == "/api/datasources" and method == "GET":
            return 200, [self._list_item(d) for d in sources.values()]
        if p == "/api/datasources" and method == "POST":
            if any(d["name"] == body["name"] for d in sources.values()):
                return 409, {"message": "data source with the same name already exists"}  # R5
            if body.get("uid") in sources:
                return 409, {"message": "data source with the same uid already exists"}  # R5
            ds = copy.deepcopy(body)
            ds["id"] = self.next_ds
            ds["orgId"] = org
            self.next_ds += 1
            sources[ds["uid"]] = ds
            return 200, {"datasource": self._full(ds), "id": ds["id"], "message": "Datasource added"}
        m = re.fullmatch(r"/api/datasources/uid/([^/]+)(/health)?", p)
        if m:
            uid = urllib.parse.unquote(m.group(1))
            ds = sources.get(uid)
            if ds is None:
                return 404, {"message": "Data source not found"}
            if m.group(2):
                down = self.unhealthy.get(ds["url"])
                if down:
                    return 400, {"status": "ERROR", "message": down}  # R8
                return 200, {"status": "OK", "message": "Data source is working"}
            if method == "GET":
                return 200, self._full(ds)
            if method == "DELETE":
                del sources[uid]
                return 200, {"message": "Data source deleted"}
            if method == "PUT":
                if any(d["name"] == body["name"] and u != uid for u, d in sources.items()):
                    return 409, {"message": "data source with the same name already exists"}  # R5
                secure = dict(ds.get("secureJsonData", {}))
                secure.update(body.get("secureJsonData", {}))  # R6
                updated = copy.deepcopy(body)
                updated.update({"id": ds["id"], "orgId": org, "secureJsonData": secure})
                sources[uid] = updated
                return 200, {"datasource": self._full(updated), "message": "Datasource updated"}
        if p == "/api/search":
            return 200, [{"uid": u, "title": d.get("title"), "tags": d.get("tags", [])}
                         for u, d in sorted(self.dashboards[org].items())]
        if p == "/api/dashboards/db" and method == "POST":
            model = copy.deepcopy(body["dashboard"])
            self.dashboards[org][model["uid"]] = model
            return 200, {"status": "success", "uid": model["uid"]}
        return 404, {"message": "Not found"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                with fake.lock:
                    status, payload = fake.handle(self.command, self.path, self.headers, body)
                    fake.requests.append((self.command, self.path, self.headers.get("X-Grafana-Org-Id"), status))
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler
