"""Static checks of the deployment files.

This machine has no Docker engine and no cluster, so docker-compose.yml, deploy/k8s/ and the
RabbitMQ definitions are not run here: these tests check that they parse and agree with the
settings the code reads (sanphalang.config).
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from sanphalang.config import DATABASE_SERVICES, DEFAULTS, RUNNING_SERVICES, SERVICES, SOURCES

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
POSTGRES_INIT = DEPLOY / "postgres" / "init.sql"
RABBITMQ_CONF = DEPLOY / "rabbitmq" / "rabbitmq.conf"
DEFINITIONS = DEPLOY / "rabbitmq" / "definitions.json"

PORT = DEFAULTS["SANPHALANG_PORT"]
RSS_TARGET_BYTES = 300 * 10**6
BACKING_SERVICES = {"postgres", "rabbitmq"}


def database_url_var(service: str) -> str:
    return f"{service.upper()}_DATABASE_URL"


DATABASE_URL_VARS = {database_url_var(s) for s in DATABASE_SERVICES}
KNOWN_VARS = set(DEFAULTS) | DATABASE_URL_VARS


def command_words(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def quantity_bytes(quantity: str) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(quantity)).groups()
    return float(number) * units.get(unit, 1)


def cpu_millicores(quantity: str) -> float:
    quantity = str(quantity)
    return float(quantity[:-1]) if quantity.endswith("m") else float(quantity) * 1000


# --- Dockerfile ---------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def test_dockerfile_builds_on_python_311_slim_and_installs_with_constraints():
    instructions = dockerfile_instructions()
    args = dict(rest.split("=", 1) for keyword, rest in instructions if keyword == "ARG" and "=" in rest)
    bases = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    for base in bases:
        base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], base)
        assert base.startswith("python:3.11-slim"), base
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install -c constraints.txt ." in runs


def test_dockerfile_runs_as_non_root_and_serves_the_gateway_by_default():
    stage = final_stage()
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert users, "the runtime stage must switch to a non-root user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    cmd = [json.loads(rest) for keyword, rest in stage if keyword == "CMD"][-1]
    assert cmd == ["sanphalang", "serve", "gateway"]


def test_dockerfile_env_and_port_agree_with_config():
    stage = final_stage()
    env_names = set()
    for keyword, rest in stage:
        if keyword == "ENV":
            env_names |= {pair.split("=", 1)[0] for pair in rest.split()}
    sanphalang_vars = {name for name in env_names if name.startswith("SANPHALANG_")}
    assert sanphalang_vars <= set(DEFAULTS), sanphalang_vars - set(DEFAULTS)
    assert [rest for keyword, rest in stage if keyword == "EXPOSE"] == [PORT]


# --- docker-compose.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def app_services(compose) -> dict[str, dict]:
    """The compose services running a Sanphalang service, by the service they serve."""
    found = {}
    for name, service in compose["services"].items():
        words = command_words(service.get("command", []))
        if words[:2] == ["sanphalang", "serve"]:
            assert words == ["sanphalang", "serve", name], f"{name} must serve itself: {words}"
            found[name] = service
    return found


def test_compose_names_every_service(compose, app_services):
    assert set(SERVICES) <= set(app_services), set(SERVICES) - set(app_services)
    assert set(app_services) <= set(SERVICES), set(app_services) - set(SERVICES)
    assert BACKING_SERVICES <= set(compose["services"])


def test_compose_services_share_one_image(app_services):
    images = {service.get("image") for service in app_services.values()}
    assert len(images) == 1 and None not in images, images
    assert all(service.get("build") for service in app_services.values())


def test_compose_starts_exactly_the_running_services(app_services):
    started = {name for name, service in app_services.items() if not service.get("profiles")}
    assert started == set(RUNNING_SERVICES)


def test_compose_env_vars_are_read_by_the_code(app_services):
    for name, service in app_services.items():
        environment = service.get("environment", {})
        assert isinstance(environment, dict), f"{name}: use the mapping form for environment"
        unknown = set(environment) - KNOWN_VARS
        assert not unknown, f"{name} sets variables the code does not read: {unknown}"


def test_compose_each_database_service_gets_its_own_database(app_services):
    for name, service in app_services.items():
        environment = service["environment"]
        given = set(environment) & DATABASE_URL_VARS
        expected = {database_url_var(name)} if name in DATABASE_SERVICES else set()
        assert given == expected, f"{name} gets {given}, expected {expected}"
        for var in given:
            url = environment[var]
            assert url.startswith("postgresql+psycopg://"), url
            assert url.endswith(f"@postgres:5432/{name}"), url


def test_compose_uses_quorum_queues_and_the_broker(app_services):
    for name, service in app_services.items():
        environment = service["environment"]
        assert environment.get("SANPHALANG_QUEUE_TYPE") == "quorum", name
        assert "@rabbitmq:5672/" in environment.get("SANPHALANG_AMQP_URI", ""), name
        assert environment.get("SANPHALANG_HOST") == "0.0.0.0", name


def test_compose_gateway_port_matches_config(app_services):
    gateway = app_services["gateway"]
    assert str(gateway["environment"].get("SANPHALANG_PORT", PORT)) == PORT
    container_ports = {str(port).rsplit(":", 1)[-1] for port in gateway.get("ports", [])}
    assert container_ports == {PORT}
    assert f":{PORT}/health" in " ".join(command_words(gateway["healthcheck"]["test"]))


def test_compose_healthchecks_and_ordering(compose, app_services):
    services = compose["services"]
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name, service in app_services.items():
        depends_on = service.get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on must name conditions"
        assert BACKING_SERVICES <= set(depends_on), name
        for target, condition in depends_on.items():
            assert condition == {"condition": "service_healthy"}, (name, target)
            assert not services[target].get("profiles") or service.get("profiles"), (
                f"{name} starts by default but depends on {target}, which does not"
            )
        if name != "gateway":
            assert command_words(service["healthcheck"]["test"]) == ["CMD", "sanphalang", "health", name]


def test_compose_memory_limit_fits_the_rss_target(app_services):
    for name, service in app_services.items():
        limit = service["deploy"]["resources"]["limits"]["memory"]
        assert quantity_bytes(limit) >= RSS_TARGET_BYTES, (name, limit)


def test_compose_mounts_the_postgres_init_script_and_rabbitmq_files(compose):
    postgres_volumes = compose["services"]["postgres"]["volumes"]
    assert "./deploy/postgres/init.sql:/docker-entrypoint-initdb.d/init.sql:ro" in postgres_volumes
    rabbitmq_volumes = compose["services"]["rabbitmq"]["volumes"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in rabbitmq_volumes if v.startswith("./")}
    assert mounts["./deploy/rabbitmq/definitions.json"] == definitions_path_loaded()
    assert mounts["./deploy/rabbitmq/rabbitmq.conf"].startswith("/etc/rabbitmq/")


def test_postgres_init_creates_one_database_per_database_service():
    created = re.findall(r"^\s*CREATE DATABASE\s+(\w+)", POSTGRES_INIT.read_text(), re.I | re.M)
    assert sorted(created) == sorted(DATABASE_SERVICES)


# --- RabbitMQ -----------------------------------------------------------------------------------


def definitions_path_loaded() -> str:
    settings = {}
    for line in RABBITMQ_CONF.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings["load_definitions"]


@pytest.fixture(scope="module")
def definitions() -> dict:
    return json.loads(DEFINITIONS.read_text())


def test_rabbitmq_conf_loads_the_definitions():
    assert definitions_path_loaded() == "/etc/rabbitmq/definitions.json"


def test_definitions_declare_one_events_exchange_per_source(definitions):
    events = {
        exchange["name"]: exchange
        for exchange in definitions["exchanges"]
        if exchange["name"].endswith(".events")
    }
    assert sorted(events) == sorted(f"{source}.events" for source in SOURCES)
    for exchange in events.values():
        assert exchange["type"] == "topic" and exchange["durable"] and not exchange["auto_delete"]


def test_definitions_bind_a_quorum_queue_for_reporting_to_every_source(definitions):
    """Reporting's queues carry the names nameko gives its batch handlers
    (evt-<source>-batch--reporting.on_<source>_batch), or the broker refuses the declaration."""
    quorum = {
        queue["name"]
        for queue in definitions["queues"]
        if queue["durable"] and queue.get("arguments", {}).get("x-queue-type") == "quorum"
    }
    expected = {source: f"evt-{source}-batch--reporting.on_{source}_batch" for source in SOURCES}
    assert set(expected.values()) <= quorum, quorum
    for source, queue in expected.items():
        bound = {
            binding["source"]
            for binding in definitions["bindings"]
            if binding["destination"] == queue
            and binding["destination_type"] == "queue"
            and binding["routing_key"] == "batch"
        }
        assert bound == {f"{source}.events"}, (queue, bound)


def test_reporting_handles_the_batches_of_every_running_source():
    from sanphalang.config import RUNNING_SOURCES
    from services.reporting.service import ReportingService

    for source in RUNNING_SOURCES:
        assert callable(getattr(ReportingService, f"on_{source}_batch", None)), source


def test_definitions_user_may_use_the_vhost(definitions):
    # Importing definitions at boot replaces the default user: the file must bring its own.
    users = {user["name"] for user in definitions["users"]}
    permitted = {p["user"] for p in definitions["permissions"] if p["vhost"] == "/"}
    assert users and users <= permitted
    assert "guest" not in users
    uri_user = {
        re.match(r"amqp://([^:]+):", service["environment"]["SANPHALANG_AMQP_URI"]).group(1)
        for service in yaml.safe_load(COMPOSE.read_text())["services"].values()
        if "SANPHALANG_AMQP_URI" in service.get("environment", {})
    }
    assert uri_user <= users


# --- Kubernetes ---------------------------------------------------------------------------------


MANIFESTS = sorted(p for p in K8S.glob("*.y*ml") if p.name != "kustomization.yaml")


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def of_kind(objects, kind: str) -> dict[str, dict]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


@pytest.fixture(scope="module")
def deployments(objects) -> dict[str, dict]:
    return of_kind(objects, "Deployment")


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def test_there_are_manifests():
    assert MANIFESTS


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_parses_into_kubernetes_objects(path):
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    assert docs, path
    for doc in docs:
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), path
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "sanphalang", path


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["namespace"] == "sanphalang"
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomization_renders():
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    kinds = [doc["kind"] for doc in yaml.safe_load_all(result.stdout) if doc]
    assert kinds.count("Deployment") == len(SERVICES)


def test_every_service_has_a_deployment_serving_it(deployments):
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        main = container(deployment)
        assert main["args"] == ["sanphalang", "serve", name], name
        assert "command" not in main, f"{name}: keep the image's tini entrypoint, set args"
        assert main["image"].split(":")[0] == "sanphalang", name


def test_deployments_replicas_follow_running_services_and_autoscalers(objects, deployments):
    autoscaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(objects, "HorizontalPodAutoscaler").values()}
    for name, deployment in deployments.items():
        replicas = deployment["spec"].get("replicas")
        if name not in RUNNING_SERVICES:
            assert replicas == 0 and name not in autoscaled, f"{name} is not released yet"
        elif name in autoscaled:
            assert replicas is None, f"{name}: the HPA owns replicas, leave the field out"
        else:
            assert replicas and replicas >= 1, name


def test_gateway_and_reporting_autoscale(objects, deployments):
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"]: hpa for hpa in hpas.values()}
    assert {"gateway", "reporting"} <= set(targets)
    for name, hpa in targets.items():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment" and name in deployments
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_every_gateway_replica_signs_sessions_with_one_key_from_the_secret(deployments):
    """The gateway autoscales: a session cookie signed by one replica must open on another."""
    env = {e["name"]: e for e in container(deployments["gateway"]).get("env", [])}
    assert env["SANPHALANG_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "sanphalang-credentials"


def k8s_env_vars(objects) -> dict[str, set[str]]:
    """Every environment variable name each object sets, by object."""
    found = {}
    for obj in objects:
        key = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] == "ConfigMap":
            found[key] = set(obj.get("data", {}))
        elif obj["kind"] == "Secret":
            found[key] = set(obj.get("stringData", {})) | set(obj.get("data", {}))
        elif obj["kind"] == "Deployment":
            found[key] = {e["name"] for e in container(obj).get("env", [])}
    return found


def test_k8s_env_vars_are_read_by_the_code(objects):
    for key, names in k8s_env_vars(objects).items():
        unknown = names - KNOWN_VARS
        assert not unknown, f"{key} sets variables the code does not read: {unknown}"


def test_k8s_env_references_resolve(objects, deployments):
    config_maps = of_kind(objects, "ConfigMap")
    secrets = of_kind(objects, "Secret")
    for name, deployment in deployments.items():
        main = container(deployment)
        for source in main.get("envFrom", []):
            assert source["configMapRef"]["name"] in config_maps, name
        for env in main.get("env", []):
            ref = env["valueFrom"]["secretKeyRef"]
            secret = secrets[ref["name"]]
            assert ref["key"] in secret["stringData"], (name, ref)
            assert ref["key"] == env["name"], (name, ref)


def test_k8s_each_database_service_gets_its_own_database(objects, deployments):
    (secret,) = of_kind(objects, "Secret").values()
    assert DATABASE_URL_VARS <= set(secret["stringData"])
    for name, deployment in deployments.items():
        given = {e["name"] for e in container(deployment).get("env", [])} & DATABASE_URL_VARS
        expected = {database_url_var(name)} if name in DATABASE_SERVICES else set()
        assert given == expected, f"{name} gets {given}, expected {expected}"
    for service in DATABASE_SERVICES:
        assert secret["stringData"][database_url_var(service)].endswith(f"/{service}")


def test_k8s_shared_config_sets_quorum_queues_and_listens_on_all_interfaces(objects, deployments):
    (config_map,) = of_kind(objects, "ConfigMap").values()
    assert config_map["data"]["SANPHALANG_QUEUE_TYPE"] == "quorum"
    assert config_map["data"]["SANPHALANG_HOST"] == "0.0.0.0"
    for name, deployment in deployments.items():
        refs = [s["configMapRef"]["name"] for s in container(deployment).get("envFrom", [])]
        assert config_map["metadata"]["name"] in refs, name
        assert "SANPHALANG_AMQP_URI" in {e["name"] for e in container(deployment)["env"]}, name


def test_k8s_gateway_port_matches_config(objects, deployments):
    (config_map,) = of_kind(objects, "ConfigMap").values()
    assert config_map["data"].get("SANPHALANG_PORT", PORT) == PORT
    ports = {p["name"]: p["containerPort"] for p in container(deployments["gateway"])["ports"]}
    assert ports == {"http": int(PORT)}
    service = of_kind(objects, "Service")["gateway"]
    assert service["spec"]["selector"] == deployments["gateway"]["spec"]["selector"]["matchLabels"]
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in ("http", int(PORT))


def test_k8s_probes(deployments):
    for name, deployment in deployments.items():
        main = container(deployment)
        for probe in ("readinessProbe", "livenessProbe"):
            assert probe in main, (name, probe)
            if name == "gateway":
                http = main[probe]["httpGet"]
                assert http["path"] == "/health" and http["port"] in ("http", int(PORT))
            else:
                assert main[probe]["exec"]["command"] == ["sanphalang", "health", name]


def test_k8s_resources_fit_the_rss_target(deployments):
    for name, deployment in deployments.items():
        resources = container(deployment)["resources"]
        requests, limits = resources["requests"], resources["limits"]
        assert quantity_bytes(limits["memory"]) >= RSS_TARGET_BYTES, name
        assert quantity_bytes(requests["memory"]) <= quantity_bytes(limits["memory"]), name
        assert cpu_millicores(requests["cpu"]) <= cpu_millicores(limits["cpu"]), name


def test_k8s_containers_run_as_non_root(deployments):
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert container(deployment)["securityContext"]["allowPrivilegeEscalation"] is False, name
