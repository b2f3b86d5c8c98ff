#!/usr/bin/python3
"""A test Kubernetes API server, owned by podpilot's tests.

It speaks the protocol real clients speak (proven by tests/kube_fake_test.sh
with the machine's kubectl and Debian's python3-kubernetes): HTTPS with a test
CA, bearer tokens or client certificates, discovery, lists with
limit/continue at one resourceVersion, watches as chunked NDJSON (synthetic
ADDED for resourceVersion "" or "0", events after N, BOOKMARKs when asked, an
ERROR 410 inside the 200 stream for a version older than the bounded history,
timeoutSeconds), GET, merge-patch and JSON-patch (metadata.resourceVersion in
the patched object is a precondition: 409 Conflict when it is stale, as the
apiserver's patcher does), dryRun=All (admission's answer, nothing stored),
the /scale subresource (GET, PATCH, PUT with a resourceVersion), POST of
events.k8s.io/v1 Events (validated as pkg/apis/core/validation/events.go
does; generateName; mirrored as a core/v1 Event with involvedObject, as the
apiserver serves both), and SelfSubjectAccessReviews answered from --deny
VERB:RESOURCE[.GROUP] (a denied write is a 403 worded as the apiserver
words it).

The pod proxy (GET /api/v1/namespaces/NS/pods/POD:9090/proxy/metrics)
answers as a pod's queue-proxy would: its protobuf Stat (Content-Type
application/protobuf), from objects of group queue-proxy, resource stats,
named after the pod ({concurrency, proxiedConcurrency, rps, proxiedRps},
optionally contentType to play another server); a pod without one is the
apiserver's 503 for a port nobody listens on. Any other port is a pod's
own exporter: objects of group exporters, resource metrics, named
POD:PORT, hold the text it serves at any path ({"text": ..., where {n}
becomes step times the scrapes so far: a counter that grows}).

It is not a real apiserver: no admission, no API priority and fairness, no
protobuf, no Table output, no HTTP/2. Faults are injected through POST
/_fault; objects are added or changed through PUT /_object (both need no
credentials: the tests drive them); POST /_close ends every open watch.
Binds 127.0.0.1 only and exits after
--lifetime seconds whatever happens.
"""
import argparse
import copy
import json
import os
import re
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = {}  # scrapes of each pod's exporter, under the store's lock

# (group, version, resource, kind, namespaced, shortNames, verbs-with-scale)
RESOURCES = [
    ("", "v1", "pods", "Pod", True, ["po"], False),
    ("", "v1", "events", "Event", True, ["ev"], False),
    ("events.k8s.io", "v1", "events", "Event", True, [], False),
    ("", "v1", "namespaces", "Namespace", False, ["ns"], False),
    ("", "v1", "serviceaccounts", "ServiceAccount", True, ["sa"], False),
    ("", "v1", "services", "Service", True, ["svc"], False),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False, [], False),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False, [], False),
    ("apps", "v1", "deployments", "Deployment", True, ["deploy"], True),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], False),
    ("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], False),
    ("serving.kserve.io", "v1beta1", "inferenceservices", "InferenceService", True, ["isvc"], False),
    ("serving.knative.dev", "v1", "services", "Service", True, ["ksvc"], False),
    ("serving.knative.dev", "v1", "revisions", "Revision", True, ["rev"], False),
    ("autoscaling.internal.knative.dev", "v1alpha1", "podautoscalers", "PodAutoscaler", True, ["kpa"], False),
    ("keda.sh", "v1alpha1", "scaledobjects", "ScaledObject", True, ["so"], False),
    ("mlops.seldon.io", "v1alpha1", "models", "Model", True, [], True),
    ("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", True, [], False),
]
HISTORY = 50  # events kept: a watch from an older version gets 410


def parse_bool(s):
    """Go's strconv.ParseBool: python3-kubernetes sends watch=True."""
    return s in ("1", "t", "T", "TRUE", "true", "True")


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return body


class Store:
    def __init__(self):
        self.lock = threading.Condition()
        self.rv = 100
        self.objects = {}  # (group, resource) -> {(ns, name): obj}
        self.history = []  # (rv, group, resource, type, obj)
        self.faults = []   # [{"status":..., "path":..., "count":...}]
        self.generation = 0  # POST /_close bumps it: open watches end
        self.cache = {}      # listed(): (rv, items) per query

    def put(self, group, resource, obj, kind_of_change=None):
        with self.lock:
            self.rv += 1
            meta = obj.setdefault("metadata", {})
            meta["resourceVersion"] = str(self.rv)
            meta.setdefault("uid", "uid-%d" % self.rv)
            meta.setdefault("creationTimestamp", "2026-12-01T10:00:00Z")
            key = (meta.get("namespace", ""), meta["name"])
            table = self.objects.setdefault((group, resource), {})
            change = kind_of_change or ("MODIFIED" if key in table else "ADDED")
            if change == "DELETED":
                table.pop(key, None)
            else:
                table[key] = obj
            self.history.append((self.rv, group, resource, change, copy.deepcopy(obj)))
            del self.history[:-HISTORY]
            self.lock.notify_all()
            return obj

    def listed(self, group, resource, ns, label, field):
        # the pages of one list come from one sorted listing (a cluster of
        # 100,000 pods is 200 pages): kept until something changes
        key = (group, resource, ns, label, field)
        hit = self.cache.get(key)
        if hit and hit[0] == self.rv:
            return hit[1]
        items = []
        for (ons, name), obj in sorted(self.objects.get((group, resource), {}).items()):
            if ns and ons != ns:
                continue
            if not matches(obj, label, field):
                continue
            items.append(obj)
        if len(self.cache) > 64:
            self.cache.clear()
        self.cache[key] = (self.rv, items)
        return items


def matches(obj, label, field):
    labels = obj.get("metadata", {}).get("labels", {})
    for req in filter(None, (label or "").split(",")):
        k, _, v = req.partition("=")
        if labels.get(k) != v:
            return False
    for req in filter(None, (field or "").split(",")):
        k, _, v = req.partition("=")
        path = k.split(".")
        cur = obj
        for p in path:
            cur = cur.get(p, {}) if isinstance(cur, dict) else {}
        if cur != v:
            return False
    return True


def route(path):
    """'/apis/apps/v1/namespaces/ns/deployments/web/scale' -> parts, or None."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 2:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    ns = None
    if len(rest) >= 2 and rest[0] == "namespaces" and len(rest) > 2:
        ns, rest = rest[1], rest[2:]
    if not rest:
        return (group, version, None, ns, None, None)
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    return (group, version, resource, ns, name, sub)


def find_resource(group, version, resource):
    for r in RESOURCES:
        if r[0] == group and r[1] == version and r[2] == resource:
            return r
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-fake"

    def log_message(self, fmt, *args):
        if self.server.opts.log:
            with open(self.server.opts.log, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))

    # ---- plumbing ----
    def send_json(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        opts = self.server.opts
        if opts.token and self.headers.get("Authorization") == "Bearer " + opts.token:
            return True
        if opts.client_ca:
            cert = self.connection.getpeercert()
            if cert:
                return True
        return not opts.token and not opts.client_ca

    def fault(self, verb):
        store = self.server.store
        with store.lock:
            for f in store.faults:
                if f.get("path") and f["path"] not in self.path:
                    continue
                if f.get("verb") and f["verb"] != verb:
                    continue
                if f["count"] <= 0:
                    continue
                f["count"] -= 1
                return f
        return None

    def body(self):
        if not hasattr(self, "_body"):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) or b"{}"
            if self.command in ("PATCH", "PUT", "POST") and not self.path.startswith("/_"):
                with open_log(self.server.opts) as log:
                    log and log.write("BODY %s %s %s %s\n" % (self.command, self.path,
                                      self.headers.get("Content-Type", ""), raw.decode()))
            self._body = json.loads(raw)
        return copy.deepcopy(self._body)

    # ---- verbs ----
    def do_GET(self):
        self.handle_request("GET")

    def do_PATCH(self):
        self.handle_request("PATCH")

    def do_PUT(self):
        self.__dict__.pop("_body", None)
        if self.path.startswith("/_object"):
            q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            obj = self.body()
            self.server.store.put(q.get("group", [""])[0], q["resource"][0], obj,
                                  q.get("change", [None])[0])
            return self.send_json(200, obj)
        self.handle_request("PUT")

    def do_POST(self):
        self.__dict__.pop("_body", None)
        if self.path == "/_close":  # every watch stream ends now, cleanly
            with self.server.store.lock:
                self.server.store.generation += 1
                self.server.store.lock.notify_all()
            return self.send_json(200, {})
        if self.path == "/_fault":
            f = self.body()
            f.setdefault("count", 1)
            with self.server.store.lock:
                self.server.store.faults.append(f)
            return self.send_json(200, f)
        self.handle_request("POST")

    def handle_request(self, verb):
        self.__dict__.pop("_body", None)  # one handler serves a keep-alive connection's requests
        url = urllib.parse.urlparse(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        if not self.authorized():
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        f = self.fault(verb)
        if f and f.get("touch"):
            # another writer changed the object just before this request
            r = route(url.path)
            res = r and find_resource(r[0], r[1], r[2])
            store = self.server.store
            with store.lock:
                obj = res and store.objects.get((res[0], res[2]), {}).get((r[3] or "", r[4]))
                if obj:
                    obj = copy.deepcopy(obj)
                    obj.setdefault("metadata", {}).setdefault("labels", {})["touched"] = "yes"
                    store.put(res[0], res[2], obj)
            f = None
        if f:
            if f["status"] == "cut":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"10\r\n{\"type\":\"ADDED\"")
                self.close_connection = True
                return
            if f.get("delay"):
                time.sleep(float(f["delay"]))
            headers = {"Retry-After": str(f["retry_after"])} if "retry_after" in f else {}
            reasons = {401: "Unauthorized", 403: "Forbidden", 409: "Conflict", 410: "Expired",
                       429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}
            code = int(f["status"])
            return self.send_json(code, status(code, reasons.get(code, "Unknown"),
                                               f.get("message", "injected %d" % code)), headers)
        if url.path == "/version":
            return self.send_json(200, {"major": "1", "minor": self.server.opts.minor,
                                        "gitVersion": "v1.%s.0" % self.server.opts.minor,
                                        "platform": "linux/amd64"})
        if url.path.startswith(("/apis/custom.metrics.k8s.io/", "/apis/external.metrics.k8s.io/")):
            return self.metric_values(url.path, q)
        m = re.fullmatch(r"/api/v1/namespaces/([^/]+)/pods/([^/:]+):9090/proxy/metrics", url.path)
        if m:
            return self.queue_proxy(m.group(1), m.group(2))
        m = re.fullmatch(r"/api/v1/namespaces/([^/]+)/pods/([^/:]+):([0-9]+)/proxy(/.*)?", url.path)
        if m:
            return self.exporter(m.group(1), m.group(2), m.group(3))
        if url.path == "/api":
            return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"],
                                        "serverAddressByClientCIDRs": []})
        if url.path == "/apis":
            return self.send_json(200, self.groups())
        if url.path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" and verb == "POST":
            review = self.body()
            a = review.get("spec", {}).get("resourceAttributes", {})
            res = a.get("resource", "") + ("/" + a["subresource"] if a.get("subresource") else "")
            review["status"] = {"allowed": not self.denied(a.get("verb", ""), a.get("group", ""), res)}
            with open_log(self.server.opts) as log:
                log and log.write("SSAR %s %s.%s\n" % (a.get("verb"), res, a.get("group")))
            return self.send_json(201, review)
        r = route(url.path)
        if not r:
            return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        group, version, resource, ns, name, sub = r
        if verb in ("PATCH", "PUT", "POST") and resource:
            res_name = resource + ("/" + sub if sub else "")
            v = {"PATCH": "patch", "PUT": "update", "POST": "create"}[verb]
            if self.denied(v, group, res_name):
                g = resource + ("." + group if group else "")
                return self.send_json(403, status(403, "Forbidden",
                    '%s "%s" is forbidden: User "podpilot-test" cannot %s resource "%s" in API group "%s" in the namespace "%s"'
                    % (g, name or "", v, res_name, group, ns or "")))
        if resource is None:
            return self.discovery(group, version)
        res = find_resource(group, version, resource)
        if not res:
            return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        if name is None and verb == "POST":
            return self.create(res, ns, q)
        if name is None and verb == "GET":
            if parse_bool(q.get("watch", "")):
                return self.watch(res, ns, q)
            return self.list(res, ns, q)
        return self.one(verb, res, ns, name, sub)

    def metric_values(self, path, q):
        """The custom (v1beta2) and external (v1beta1) metrics APIs, as an
        adapter answers them: values put as objects of group
        custom.metrics.k8s.io or external.metrics.k8s.io, resource "values"
        ({describedObject, metric, value} or {metricName, metricLabels,
        value}); an unknown metric is a 404, as prometheus-adapter says it."""
        parts = [p for p in path.split("/") if p]
        store = self.server.store
        label = q.get("labelSelector", "")
        strip = lambda o: {k: v for k, v in o.items() if k != "metadata"}
        if parts[1] == "external.metrics.k8s.io" and len(parts) == 6 and parts[3] == "namespaces":
            ns, metric = parts[4], parts[5]
            with store.lock:
                vals = [o for o in store.listed("external.metrics.k8s.io", "values", ns, None, None)
                        if o.get("metricName") == metric]
            if not vals:
                return self.send_json(404, status(404, "NotFound", "the server could not find the metric %s for external" % metric))
            items = [strip(o) for o in vals
                     if matches({"metadata": {"labels": o.get("metricLabels", {})}}, label, None)]
            return self.send_json(200, {"kind": "ExternalMetricValueList", "apiVersion": "external.metrics.k8s.io/v1beta1",
                                        "metadata": {}, "items": items})
        if parts[1] == "custom.metrics.k8s.io" and len(parts) == 8 and parts[3] == "namespaces":
            ns, resource, name, metric = parts[4], parts[5], parts[6], parts[7]
            kind = {"pods": "Pod", "services": "Service"}.get(resource.split(".")[0], resource)
            with store.lock:
                vals = [o for o in store.listed("custom.metrics.k8s.io", "values", ns, None, None)
                        if o.get("metric", {}).get("name") == metric
                        and o.get("describedObject", {}).get("kind") == kind]
                pods = {p["metadata"]["name"] for p in store.listed("", "pods", ns, label, None)}
            if not vals:
                return self.send_json(404, status(404, "NotFound", "the server could not find the metric %s for %s" % (metric, resource)))
            if name == "*":
                items = [strip(o) for o in vals if kind != "Pod" or o["describedObject"].get("name") in pods]
            else:
                items = [strip(o) for o in vals if o["describedObject"].get("name") == name]
            return self.send_json(200, {"kind": "MetricValueList", "apiVersion": "custom.metrics.k8s.io/v1beta2",
                                        "metadata": {}, "items": items})
        return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))

    def queue_proxy(self, ns, pod):
        store = self.server.store
        with store.lock:
            have_pod = any(p["metadata"]["name"] == pod for p in store.listed("", "pods", ns, None, None))
            stat = [o for o in store.listed("queue-proxy", "stats", ns, None, None)
                    if o["metadata"]["name"] == pod]
        if not have_pod:
            return self.send_json(404, status(404, "NotFound", 'pods "%s" not found' % pod))
        if not stat:
            return self.send_json(503, status(503, "ServiceUnavailable",
                                              "error trying to reach service: dial tcp 10.0.0.1:9090: connect: connection refused"))
        st = stat[0]
        if "application/protobuf" not in self.headers.get("Accept", ""):
            body = b"# queue-proxy serves its Stat to clients that accept application/protobuf\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        name = pod.encode()
        body = b"\x0a" + bytes([len(name)]) + name
        for tag, key in ((0x11, "concurrency"), (0x19, "proxiedConcurrency"), (0x21, "rps"), (0x29, "proxiedRps")):
            if st.get(key):
                body += bytes([tag]) + struct.pack("<d", float(st[key]))
        self.send_response(200)
        self.send_header("Content-Type", st.get("contentType", "application/protobuf"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def exporter(self, ns, pod, port):
        store = self.server.store
        with store.lock:
            have_pod = any(p["metadata"]["name"] == pod for p in store.listed("", "pods", ns, None, None))
            ex = [o for o in store.listed("exporters", "metrics", ns, None, None)
                  if o["metadata"]["name"] == "%s:%s" % (pod, port)]
            key = (ns, pod, port)
            HITS[key] = HITS.get(key, 0) + 1
            hits = HITS[key]
        if not have_pod:
            return self.send_json(404, status(404, "NotFound", 'pods "%s" not found' % pod))
        if not ex:
            return self.send_json(503, status(503, "ServiceUnavailable",
                                              "error trying to reach service: dial tcp 10.0.0.1:%s: connect: connection refused" % port))
        body = ex[0]["text"].replace("{n}", str(ex[0].get("step", 1) * hits)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def groups(self):
        seen, groups = set(), []
        for r in RESOURCES:
            if r[0] and (r[0], r[1]) not in seen:
                seen.add((r[0], r[1]))
                gv = {"groupVersion": "%s/%s" % (r[0], r[1]), "version": r[1]}
                for g in groups:
                    if g["name"] == r[0]:
                        g["versions"].append(gv)
                        break
                else:
                    groups.append({"name": r[0], "versions": [gv], "preferredVersion": gv})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def discovery(self, group, version):
        rs = [r for r in RESOURCES if r[0] == group and r[1] == version]
        if not rs:
            return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        out = []
        for r in rs:
            out.append({"name": r[2], "singularName": r[3].lower(), "namespaced": r[4],
                        "kind": r[3], "shortNames": r[5],
                        "verbs": ["get", "list", "watch", "patch", "update"]})
            if r[6]:
                out.append({"name": r[2] + "/scale", "singularName": "", "namespaced": True,
                            "group": "autoscaling", "version": "v1", "kind": "Scale",
                            "verbs": ["get", "patch", "update"]})
        gv = "%s/%s" % (group, version) if group else version
        return self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                    "groupVersion": gv, "resources": out})

    def list(self, res, ns, q):
        store = self.server.store
        with store.lock:
            items = store.listed(res[0], res[2], ns, q.get("labelSelector"), q.get("fieldSelector"))
            rv = str(store.rv)
        start = 0
        if q.get("continue"):
            tok = json.loads(urllib.parse.unquote(q["continue"]))
            if store.rv - int(tok["rv"]) > HISTORY:
                return self.send_json(410, status(410, "Expired", "The provided continue parameter is too old to display a consistent list result."))
            start, rv = tok["start"], tok["rv"]
        limit = int(q.get("limit") or 0)
        if self.server.opts.max_page:  # a server may answer fewer than the limit
            limit = min(limit or self.server.opts.max_page, self.server.opts.max_page)
        page = items[start:start + limit] if limit else items[start:]
        meta = {"resourceVersion": rv}
        if limit and start + limit < len(items):
            meta["continue"] = json.dumps({"start": start + limit, "rv": rv})
            meta["remainingItemCount"] = len(items) - start - limit
        api = "%s/%s" % (res[0], res[1]) if res[0] else res[1]
        self.send_json(200, {"kind": res[3] + "List", "apiVersion": api, "metadata": meta,
                             "items": page})  # items carry no kind, as the apiserver's

    def chunk(self, obj):
        data = (json.dumps(obj) + "\n").encode()
        split = self.server.opts.split_events and len(data) > 8
        parts = [data[:7], data[7:]] if split else [data]
        for p in parts:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
            self.wfile.flush()

    def watch(self, res, ns, q):
        store = self.server.store
        api = "%s/%s" % (res[0], res[1]) if res[0] else res[1]
        rv = q.get("resourceVersion", "")
        deadline = time.time() + min(float(q.get("timeoutSeconds") or 1800), self.server.opts.lifetime)
        bookmarks = parse_bool(q.get("allowWatchBookmarks", ""))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with store.lock:
            if rv in ("", "0"):
                for o in store.listed(res[0], res[2], ns, q.get("labelSelector"), q.get("fieldSelector")):
                    self.chunk({"type": "ADDED", "object": dict(o, kind=res[3], apiVersion=api)})
                last = store.rv
            else:
                last = int(rv)
                oldest = store.history[0][0] if store.history else store.rv + 1
                if last < oldest - 1 and store.rv > last:
                    self.chunk({"type": "ERROR", "object": status(
                        410, "Expired", "too old resource version: %d (%d)" % (last, oldest - 1))})
                    self.wfile.write(b"0\r\n\r\n")
                    return
        generation = store.generation
        while time.time() < deadline and store.generation == generation:
            with store.lock:
                events = [e for e in store.history if e[0] > last and e[1] == res[0] and e[2] == res[2]]
                if not events:
                    store.lock.wait(timeout=0.2)
                    events = [e for e in store.history if e[0] > last and e[1] == res[0] and e[2] == res[2]]
                top = store.rv
            for e in events:
                o = e[4]
                if ns and o.get("metadata", {}).get("namespace") != ns:
                    continue
                if not matches(o, q.get("labelSelector"), q.get("fieldSelector")):
                    continue
                self.chunk({"type": e[3], "object": dict(o, kind=res[3], apiVersion=api)})
            last = max([last] + [e[0] for e in events])
            if bookmarks and top > last:
                last = top
        if bookmarks:
            self.chunk({"type": "BOOKMARK", "object": {"kind": res[3], "apiVersion": api,
                                                       "metadata": {"resourceVersion": str(last)}}})
        self.wfile.write(b"0\r\n\r\n")

    def denied(self, verb, group, resource):
        for d in self.server.opts.deny or []:
            v, _, r = d.partition(":")
            rname, _, g = r.partition(".")
            if v == verb and rname == resource and g == group:
                return True
        return False

    def create(self, res, ns, q):
        obj = self.body()
        meta = obj.setdefault("metadata", {})
        if res[0] == "events.k8s.io":
            errs = []
            for f in ("eventTime", "reportingController", "reportingInstance", "action", "reason"):
                if not obj.get(f):
                    errs.append("%s: Required value" % f)
            for f in ("firstTimestamp", "lastTimestamp", "count", "source", "deprecatedSource",
                      "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"):
                if obj.get(f):
                    errs.append("%s: Invalid value: must not be set" % f)
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", obj.get("eventTime", "")):
                errs.append("eventTime: Invalid value: not a MicroTime")
            if len(obj.get("note", "")) > 1024:
                errs.append("note: Too long: may not be longer than 1024")
            if obj.get("type") not in ("Normal", "Warning"):
                errs.append("type: Unsupported value")
            if errs:
                return self.send_json(422, status(422, "Invalid", 'Event.events.k8s.io "%s" is invalid: %s' % (meta.get("generateName", ""), ", ".join(errs))))
        if not meta.get("name"):
            EVENT_SERIAL[0] += 1
            meta["name"] = meta.get("generateName", "obj-") + "x%04d" % EVENT_SERIAL[0]
        meta["namespace"] = ns or meta.get("namespace", "")
        if q.get("dryRun") == "All":
            return self.send_json(201, obj)
        self.server.store.put(res[0], res[2], obj)
        if res[0] == "events.k8s.io":  # the same event through core/v1
            reg = obj.get("regarding", {})
            self.server.store.put("", "events", {
                "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
                "involvedObject": reg, "reason": obj.get("reason"), "message": obj.get("note"),
                "type": obj.get("type"), "action": obj.get("action"),
                "reportingComponent": obj.get("reportingController"),
                "reportingInstance": obj.get("reportingInstance"),
                "eventTime": obj.get("eventTime"), "source": {}})
        api = "%s/%s" % (res[0], res[1]) if res[0] else res[1]
        self.send_json(201, dict(obj, kind=res[3], apiVersion=api))

    def one(self, verb, res, ns, name, sub):
        store = self.server.store
        with store.lock:
            obj = store.objects.get((res[0], res[2]), {}).get((ns or "", name))
        if obj is None:
            g = res[2] + ("." + res[0] if res[0] else "")
            return self.send_json(404, status(404, "NotFound", '%s "%s" not found' % (g, name),
                                              {"name": name, "kind": res[2]}))
        api = "%s/%s" % (res[0], res[1]) if res[0] else res[1]
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).items()}
        dry = q.get("dryRun") == "All"
        conflict = lambda: self.send_json(409, status(409, "Conflict", 'Operation cannot be fulfilled on %s.%s "%s": the object has been modified; please apply your changes to the latest version and try again' % (res[2], res[0], name)))
        if sub == "scale":
            if verb in ("PATCH", "PUT"):
                patch = self.body()
                want = patch.get("spec", {}).get("replicas")
                prv = patch.get("metadata", {}).get("resourceVersion")
                if prv and prv != obj["metadata"]["resourceVersion"]:
                    return conflict()
                obj = copy.deepcopy(obj)
                obj.setdefault("spec", {})["replicas"] = want
                if not dry:
                    store.put(res[0], res[2], obj)
            spec = obj.get("spec", {})
            sel = ",".join("%s=%s" % kv for kv in sorted(spec.get("selector", {}).get("matchLabels", {}).items()))
            return self.send_json(200, {"kind": "Scale", "apiVersion": "autoscaling/v1",
                                        "metadata": {"name": name, "namespace": ns,
                                                     "resourceVersion": obj["metadata"]["resourceVersion"]},
                                        "spec": {"replicas": spec.get("replicas", 1)},
                                        "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                                                   "selector": sel}})
        if verb == "PATCH":
            ctype = self.headers.get("Content-Type", "")
            before = obj["metadata"]["resourceVersion"]
            if "json-patch" in ctype:
                try:
                    obj = json_patch(copy.deepcopy(obj), self.body())
                except (KeyError, IndexError, ValueError, TypeError) as e:
                    return self.send_json(422, status(422, "Invalid", "the server rejected our request due to an error in our request: %s" % e))
            elif "merge-patch" in ctype or "strategic" in ctype:
                obj = merge(copy.deepcopy(obj), self.body())
            else:
                return self.send_json(415, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
            if obj.get("metadata", {}).get("resourceVersion", before) != before:
                return conflict()
            if q.get("fieldManager"):
                mf = obj["metadata"].setdefault("managedFields", [])
                if not any(m.get("manager") == q["fieldManager"] for m in mf):
                    mf.append({"manager": q["fieldManager"], "operation": "Update",
                               "apiVersion": api, "fieldsType": "FieldsV1"})
            if dry:
                return self.send_json(200, dict(obj, kind=res[3], apiVersion=api))
            store.put(res[0], res[2], obj)
        self.send_json(200, dict(obj, kind=res[3], apiVersion=api))


def open_log(opts):
    class Null:
        def __enter__(self):
            return None

        def __exit__(self, *a):
            return False
    return open(opts.log, "a") if opts.log else Null()


def pointer(path):
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def json_patch(doc, ops):
    """RFC 6902: add, remove, replace, test."""
    for op in ops:
        parts = pointer(op["path"])
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        key = int(last) if isinstance(parent, list) and last != "-" else last
        kind = op["op"]
        if kind == "test":
            if parent[key] != op["value"]:
                raise ValueError("test failed at %s" % op["path"])
        elif kind == "remove":
            del parent[key]
        elif kind == "replace":
            parent[key]  # must exist
            parent[key] = op["value"]
        elif kind == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else key, op["value"])
            else:
                parent[key] = op["value"]
        else:
            raise ValueError("unsupported op %s" % kind)
    return doc


EVENT_SERIAL = [0]


def merge(dst, patch):
    """RFC 7386 merge patch."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(dst, dict):
        dst = {}
    for k, v in patch.items():
        if v is None:
            dst.pop(k, None)
        else:
            dst[k] = merge(dst.get(k), v)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca", help="verify client certificates signed by this CA")
    ap.add_argument("--token", help="the bearer token that authenticates")
    ap.add_argument("--objects", help="a JSON file: [{group, resource, object}]")
    ap.add_argument("--minor", default="32", help="the minor version /version reports")
    ap.add_argument("--port-file", required=True, help="where the chosen port is written")
    ap.add_argument("--lifetime", type=float, default=120, help="exit after this many seconds")
    ap.add_argument("--split-events", action="store_true", help="cut each watch event in two chunks")
    ap.add_argument("--log", help="append each request line to this file")
    ap.add_argument("--deny", action="append", help="VERB:RESOURCE[.GROUP] the user may not do")
    ap.add_argument("--max-page", type=int, default=0, help="items per list page at most")
    ap.add_argument("--serve-cron", action="store_true",
                    help="serve CronHorizontalPodAutoscalers (autoscaling.alibabacloud.com/v1beta1)")
    opts = ap.parse_args()
    if opts.serve_cron:
        RESOURCES.append(("autoscaling.alibabacloud.com", "v1beta1", "cronhorizontalpodautoscalers",
                          "CronHorizontalPodAutoscaler", True, [], False))
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    srv.store = Store()
    if opts.objects:
        for o in json.load(open(opts.objects)):
            srv.store.put(o.get("group", ""), o["resource"], o["object"])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)
    if opts.client_ca:
        ctx.load_verify_locations(opts.client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, opts.port_file)
    timer = threading.Timer(opts.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
