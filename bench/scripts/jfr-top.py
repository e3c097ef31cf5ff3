#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples: the hottest methods by self time, and the share of
samples whose stack passes through each of a few frames of interest (inclusive).

    jfr print --events jdk.ExecutionSample --stack-depth 96 rec.jfr > samples.txt
    bench/scripts/jfr-top.py samples.txt [pattern ...]
"""
import re
import sys
from collections import Counter

text = open(sys.argv[1]).read()
patterns = sys.argv[2:] or [
    "DirectoryPersistence.save", "KubernetesCrudDispatcher.findResource", "AttributeSet.matches",
    "ResourceReconciliation", "DifferInputs.accept", "EventSourcingRepository",
    "KubernetesApplier.apply", "OutcomeRecorder", "EventMessages.decode", "CurrentState",
    "org.h2.", "ObjectMapper", "tools.jackson", "com.fasterxml.jackson", "SerialGC",
    "org.apache.kafka.clients.producer", "org.apache.kafka.clients.consumer", "kafka.server",
    "org.springframework.cloud.function", "io.cloudevents", "org.axonframework",
    "DiffEngine.diff", "io.vertx", "io.netty", "KubernetesEmulator", "sandbox.kubernetes",
    "state-collector", "dev.opsledger.collector", "dev.opsledger.gitwatcher", "dev.opsledger.notifier",
    "dev.opsledger.audit", "okhttp", "mockwebserver",
]
events = text.split("jdk.ExecutionSample")
self_count = Counter()
incl = Counter()
threads = Counter()
total = 0
for e in events:
    frames = re.findall(r"^\s+([\w$.<>/]+)\(", e, re.M)
    if not frames:
        continue
    total += 1
    self_count[frames[0]] += 1
    t = re.search(r'sampledThread = "([^"]*)"', e)
    if t:
        threads[re.sub(r"\d+", "N", t.group(1))] += 1
    joined = "\n".join(frames)
    for p in patterns:
        if p in joined:
            incl[p] += 1
print(f"{total} samples")
print("\nself, top 30:")
for m, c in self_count.most_common(30):
    print(f"{100.0 * c / total:5.1f}%  {m}")
print("\ninclusive:")
for p, c in incl.most_common():
    print(f"{100.0 * c / total:5.1f}%  {p}")
print("\nthreads, top 20:")
for t, c in threads.most_common(20):
    print(f"{100.0 * c / total:5.1f}%  {t}")
