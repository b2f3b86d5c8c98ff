#!/usr/bin/python3
"""Checks every API request in a kube_fake.py log against ClusterRoles.

usage: rbac_check.py LOG ROLE.yaml...  Prints "not granted: VERB RESOURCE
(GROUP)" for each request no rule allows (the verb as the apiserver's
authorizer names it: get, list, watch, create, update, patch), then the
roles' write verbs and the count of requests read."""
import sys
import urllib.parse

import yaml

WRITES = {"create", "update", "patch", "delete", "deletecollection", "*"}
METHODS = {"PATCH": "patch", "PUT": "update", "POST": "create"}


def main():
    rules = [r for f in sys.argv[2:] for r in yaml.safe_load(open(f))["rules"]]

    def allowed(group, resource, verb):
        return any((group in r["apiGroups"] or "*" in r["apiGroups"]) and
                   (resource in r["resources"] or "*" in r["resources"]) and verb in r["verbs"]
                   for r in rules)
    seen = 0
    for line in open(sys.argv[1]):
        method, path = (line.split() + ["", ""])[:2]
        if method != "GET" and method not in METHODS:
            continue
        u = urllib.parse.urlparse(path)
        parts = u.path.strip("/").split("/")
        if parts[0] not in ("api", "apis") or parts[0] == "apis" and len(parts) < 4:
            continue
        group = "" if parts[0] == "api" else parts[1]
        rest = parts[2:] if parts[0] == "api" else parts[3:]
        if rest[:1] == ["namespaces"] and len(rest) > 2:
            rest = rest[2:]
        if not rest:
            continue
        resource = rest[0] + ("/" + rest[2] if len(rest) > 2 else "")
        q = urllib.parse.parse_qs(u.query)
        verb = METHODS.get(method) or (
            "watch" if q.get("watch") == ["true"] else "get" if len(rest) > 1 else "list")
        seen += 1
        if not allowed(group, resource, verb):
            print("not granted: %s %s (%s)" % (verb, resource, group or "core"))
    print("write verbs:", sorted({v for r in rules for v in r["verbs"] if v in WRITES}))
    print("requests:", seen)


if __name__ == "__main__":
    main()
