#!/usr/bin/env python3
"""Checks the Datadog Agent example files under packaging/datadog-agent/conf.d.

  check_agent_conf.py CONF_D PAGE

Both YAML files must parse; the OpenMetrics instance must point at a /metrics
endpoint and every metric it maps must be a family on PAGE (the daemon's real
/metrics output; the check names counters without _total); the log section
must collect the audit log as a file. Prints "ok - ..." / "not ok - ..." and
exits non-zero on any failure.
"""
import os
import sys

import yaml

conf_d, page_path = sys.argv[1], sys.argv[2]
failures = 0


def report(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    failures += 0 if ok else 1


families = set()
with open(page_path) as page:
    for line in page:
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            families.add(name[: -len("_total")] if kind == "counter" and name.endswith("_total") else name)

with open(os.path.join(conf_d, "openmetrics.d", "conf.yaml.example")) as f:
    openmetrics = yaml.safe_load(f)
instances = openmetrics.get("instances") or []
report(len(instances) == 1, "openmetrics.d: one instance")
instance = instances[0] if instances else {}
report(str(instance.get("openmetrics_endpoint", "")).endswith("/metrics"), "openmetrics.d: the endpoint is /metrics")
report(bool(instance.get("namespace")), "openmetrics.d: a namespace")
mapped = []
for entry in instance.get("metrics") or []:
    mapped.extend(entry.keys() if isinstance(entry, dict) else [entry])
report(len(mapped) > 0, "openmetrics.d: metrics are mapped")
for name in mapped:
    report(name in families, "openmetrics.d: %s is a family of the daemon's page" % name)
unmapped = sorted(families - set(mapped))
report(not unmapped, "openmetrics.d: every family of the page is mapped (%s)" % ", ".join(unmapped))

with open(os.path.join(conf_d, "datadog_traceroute.d", "conf.yaml.example")) as f:
    logs_conf = yaml.safe_load(f)
logs = logs_conf.get("logs") or []
report(len(logs) == 1, "datadog_traceroute.d: one log source")
log = logs[0] if logs else {}
report(log.get("type") == "file", "datadog_traceroute.d: a file source")
report(os.path.isabs(str(log.get("path", ""))) and str(log.get("path")).endswith("audit.log"),
       "datadog_traceroute.d: the audit log's absolute path")
report(bool(log.get("service")) and bool(log.get("source")), "datadog_traceroute.d: service and source set")
sys.exit(1 if failures else 0)
