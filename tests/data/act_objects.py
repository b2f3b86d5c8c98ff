# The objects tests/act_test.sh steers: a plain HPA (web), a KServe raw
# InferenceService with the HPA it owns (flowers), a Knative Service with its
# Revision and PodAutoscaler (kn; the controller says 1.21.0), a KEDA
# ScaledObject with its HPA (kq), a bare Deployment (batch).
import json
hour = "2026-12-02T10:00:00Z"
O = []
def add(group, resource, obj): O.append({"group": group, "resource": resource, "object": obj})
def dep(name, replicas, owner=None, labels=None, ns="ml"):
    meta = {"name": name, "namespace": ns, "labels": labels or {"app": name}}
    if owner: meta["ownerReferences"] = [owner]
    add("apps", "deployments", {"metadata": meta, "spec": {"replicas": replicas, "selector": {"matchLabels": labels or {"app": name}},
        "template": {"metadata": {"labels": labels or {"app": name}}, "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "500m"}}}]}}},
        "status": {"replicas": replicas, "readyReplicas": replicas}})
def hpa(name, target, mn, mx, owner=None):
    meta = {"name": name, "namespace": "ml"}
    if owner: meta["ownerReferences"] = [owner]
    add("autoscaling", "horizontalpodautoscalers", {"metadata": meta, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
        "minReplicas": mn, "maxReplicas": mx, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]},
        "status": {"currentReplicas": 2, "desiredReplicas": 2}})
dep("web", 2); hpa("web", "web", 1, 5)
dep("batch", 1)
isvc = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "name": "flowers", "uid": "uid-isvc", "controller": True}
add("serving.kserve.io", "inferenceservices", {"metadata": {"name": "flowers", "namespace": "ml", "annotations": {"serving.kserve.io/deploymentMode": "RawDeployment"}},
    "spec": {"predictor": {"minReplicas": 1, "maxReplicas": 4, "scaleMetric": "cpu", "scaleTarget": 50, "model": {"modelFormat": {"name": "sklearn"}, "storageUri": "gs://x"}}}})
dep("flowers-predictor", 1, owner=isvc); hpa("flowers-predictor", "flowers-predictor", 1, 4, owner=isvc)
rev = {"apiVersion": "serving.knative.dev/v1", "kind": "Revision", "name": "kn-00001", "controller": True}
add("serving.knative.dev", "services", {"metadata": {"name": "kn", "namespace": "ml"}, "spec": {"template": {"metadata": {"annotations": {"autoscaling.knative.dev/target": "10"}}, "spec": {"containers": [{"image": "model"}]}}}, "status": {"latestReadyRevisionName": "kn-00001"}})
add("serving.knative.dev", "revisions", {"metadata": {"name": "kn-00001", "namespace": "ml", "labels": {"serving.knative.dev/service": "kn"}, "annotations": {"autoscaling.knative.dev/target": "10"}}, "spec": {"containers": [{"image": "model"}]}})
add("autoscaling.internal.knative.dev", "podautoscalers", {"metadata": {"name": "kn-00001", "namespace": "ml", "creationTimestamp": hour, "labels": {"serving.knative.dev/service": "kn"}, "annotations": {"autoscaling.knative.dev/target": "10"}, "ownerReferences": [rev]}, "spec": {"protocolType": "http1"}, "status": {"desiredScale": 1, "actualScale": 1}})
dep("kn-00001-deployment", 1, owner=rev, labels={"serving.knative.dev/revision": "kn-00001"})
dep("controller", 1, ns="knative-serving", labels={"app": "controller", "app.kubernetes.io/version": "1.21.0"})
add("keda.sh", "scaledobjects", {"metadata": {"name": "kq", "namespace": "ml"}, "spec": {"scaleTargetRef": {"name": "kq"}, "minReplicaCount": 1, "maxReplicaCount": 10,
    "triggers": [{"type": "prometheus", "metadata": {"serverAddress": "http://prometheus:9090", "query": "sum(q)", "threshold": "10"}}]}})
so = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "name": "kq", "controller": True}
dep("kq", 1); hpa("keda-hpa-kq", "kq", 1, 10, owner=so)
import sys
json.dump(O, open(sys.argv[1], "w"), indent=1)
