"""Checks the Kubernetes manifests in deploy/kubernetes/ with PyYAML: every document parses, the expected
objects exist, selectors match pod labels, Services point at the container ports, chatserver reaches the
Redis Service, and the chatctl Job is Indexed with its shard count equal to its completions.
Prints "ok" and exits 0, or prints each problem and exits 1."""
import pathlib
import re
import sys

import yaml

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "deploy/kubernetes")
problems = []
objects = {}
for path in sorted(root.glob("*.yaml")):
    for document in yaml.safe_load_all(path.read_text()):
        if document is None:
            continue
        for field in ("apiVersion", "kind", "metadata"):
            if field not in document:
                problems.append(f"{path.name}: a document has no {field}")
        objects[(document["kind"], document["metadata"]["name"])] = document

expected = {("Deployment", "redis"), ("Service", "redis"), ("Deployment", "chatserver"), ("Service", "chatserver"),
            ("Job", "chatctl-load"), ("PersistentVolumeClaim", "chatctl-reports")}
for missing in sorted(expected - objects.keys()):
    problems.append(f"missing {missing[0]} {missing[1]}")


def container_ports(pod_spec):
    ports = {}
    for container in pod_spec["containers"]:
        for port in container.get("ports", []):
            ports[port.get("name")] = port["containerPort"]
            ports[port["containerPort"]] = port["containerPort"]
    return ports


deployments = {name: obj for (kind, name), obj in objects.items() if kind == "Deployment"}
for name, deployment in deployments.items():
    spec = deployment["spec"]
    selector = spec["selector"]["matchLabels"]
    labels = spec["template"]["metadata"]["labels"]
    if not selector.items() <= labels.items():
        problems.append(f"Deployment {name}: selector {selector} does not match pod labels {labels}")

services = {name: obj for (kind, name), obj in objects.items() if kind == "Service"}
for name, service in services.items():
    selector = service["spec"]["selector"]
    targets = [d for d in deployments.values() if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    if len(targets) != 1:
        problems.append(f"Service {name}: selector {selector} matches {len(targets)} Deployments, expected 1")
        continue
    ports = container_ports(targets[0]["spec"]["template"]["spec"])
    for port in service["spec"]["ports"]:
        if port.get("targetPort", port["port"]) not in ports:
            problems.append(f"Service {name}: targetPort {port.get('targetPort')} is no container port")


def service_port(name):
    service = services.get(name)
    return {p["port"] for p in service["spec"]["ports"]} if service else set()


server = deployments.get("chatserver")
if server:
    container = server["spec"]["template"]["spec"]["containers"][0]
    command = container.get("command", []) + container.get("args", [])
    if "--redis" not in command:
        problems.append("chatserver: no --redis")
    else:
        match = re.fullmatch(r"redis://([^:/]+):(\d+)(/\d+)?", command[command.index("--redis") + 1])
        if not match or int(match.group(2)) not in service_port(match.group(1)):
            problems.append(f"chatserver: --redis {command[command.index('--redis') + 1]} is not the redis Service")
    probe = container.get("readinessProbe", {}).get("httpGet", {})
    if probe.get("path") != "/readyz":
        problems.append("chatserver: the readiness probe must be GET /readyz (503 while degraded)")

job = objects.get(("Job", "chatctl-load"))
if job:
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        problems.append("Job chatctl-load: completionMode must be Indexed")
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    if not isinstance(completions, int) or completions < 1:
        problems.append("Job chatctl-load: completions must be a positive number")
    elif not isinstance(parallelism, int) or not 1 <= parallelism <= completions:
        problems.append(f"Job chatctl-load: parallelism {parallelism} must be 1..completions ({completions})")
    pod = spec["template"]["spec"]
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append("Job chatctl-load: restartPolicy must be Never or OnFailure")
    script = " ".join(" ".join(c.get("command", []) + c.get("args", [])) for c in pod["containers"])
    shard = re.search(r"--shard \$\(\(JOB_COMPLETION_INDEX\+1\)\)/(\d+)", script)
    if not shard:
        problems.append("Job chatctl-load: --shard must be $((JOB_COMPLETION_INDEX+1))/N")
    elif int(shard.group(1)) != completions:
        problems.append(f"Job chatctl-load: shard count {shard.group(1)} differs from completions {completions}")
    target = re.search(r"--target ws://([^:/]+):(\d+)/ws", script)
    if not target or int(target.group(2)) not in service_port(target.group(1)):
        problems.append("Job chatctl-load: --target must be ws://SERVICE:PORT/ws of the chatserver Service")
    if not re.search(r"--out /reports/shard-\$\(\(JOB_COMPLETION_INDEX\+1\)\)\.json", script):
        problems.append("Job chatctl-load: --out must be /reports/shard-$((JOB_COMPLETION_INDEX+1)).json")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    claim = volumes.get("reports", {}).get("persistentVolumeClaim", {}).get("claimName")
    if ("PersistentVolumeClaim", claim) not in objects:
        problems.append(f"Job chatctl-load: the reports volume claims {claim}, which is not defined")

for problem in problems:
    print(problem)
print("ok" if not problems else f"{len(problems)} problems")
sys.exit(1 if problems else 0)
