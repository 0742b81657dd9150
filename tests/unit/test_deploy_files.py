"""Static checks of the deployment files.

This machine has no Docker engine and no cluster, so docker-compose.yml, deploy/k8s/ and the
RabbitMQ definitions are not run here: these tests check that they parse and agree with the
settings the code reads (sanphalang.config).
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import re
import shlex
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from nameko.rpc import RPC_QUEUE_TEMPLATE, RPC_REPLY_QUEUE_TEMPLATE, Rpc, RpcProxy, get_rpc_exchange
from nameko.standalone.rpc import StandaloneProxyBase

from sanphalang.config import DATABASE_SERVICES, DEFAULTS, RUNNING_SERVICES, SERVICES, SOURCES
from services.chassis import deadletters
from services.chassis.broker import BATCH, batch_queue, events_exchange
from services.registry import GATEWAY, KEY_STORES, service_class
from services.settings import MASTER_KEY, PRIVATE, key_store_var

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
POSTGRES_INIT = DEPLOY / "postgres" / "init.sql"
RABBITMQ_CONF = DEPLOY / "rabbitmq" / "rabbitmq.conf"
DEFINITIONS = DEPLOY / "rabbitmq" / "definitions.json"
SET_PASSWORDS = DEPLOY / "rabbitmq" / "set-passwords.py"

PORT = DEFAULTS["SANPHALANG_PORT"]
RSS_TARGET_BYTES = 300 * 10**6
BACKING_SERVICES = {"postgres", "rabbitmq"}


def database_url_var(service: str) -> str:
    return f"{service.upper()}_DATABASE_URL"


DATABASE_URL_VARS = {database_url_var(s) for s in DATABASE_SERVICES}
KEY_STORE_VARS = {key_store_var(s) for s in KEY_STORES}  # the registers of personal data's key stores
PRIVATE_VARS = {name for names in PRIVATE.values() for name in names}  # each given to one service alone
KNOWN_VARS = set(DEFAULTS) | DATABASE_URL_VARS | KEY_STORE_VARS

# The broker: one user per process (every service, the gateway) and one for the CLI, which is
# an RPC client like the gateway (docs/decisions.md, "Broker users").
OPERATOR = "operator"
BROKER_USERS = (*SERVICES, OPERATOR)
CLIENTS = (GATEWAY, OPERATOR)  # standalone RPC clients only
REPORTING = "reporting"
KNOWLEDGE = "knowledge"
PLACEHOLDER = "CHANGE-ME"


def amqp_uri_var(user: str) -> str:
    """The Secret key (k8s) and the rabbitmq-users variable (compose) of a user's AMQP URI."""
    return f"{user.upper()}_AMQP_URI"


AMQP_URI_VARS = {amqp_uri_var(u) for u in BROKER_USERS}
MANAGEMENT_URI_VAR = "RABBITMQ_MANAGEMENT_URI"  # the broker-users Job's administrator


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


def one_shot(service: dict) -> bool:
    """A compose service that runs once and exits (rabbitmq-users, keys-init)."""
    return service.get("restart") == "no"


def test_compose_healthchecks_and_ordering(compose, app_services):
    services = compose["services"]
    for name, service in services.items():
        if not one_shot(service):
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name, service in app_services.items():
        depends_on = service.get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on must name conditions"
        assert BACKING_SERVICES <= set(depends_on), name
        for target, condition in depends_on.items():
            expected = "service_completed_successfully" if one_shot(services[target]) else "service_healthy"
            assert condition == {"condition": expected}, (name, target)
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


def test_postgres_init_creates_one_database_per_database_service_and_key_store():
    created = re.findall(r"^\s*CREATE DATABASE\s+(\w+)", POSTGRES_INIT.read_text(), re.I | re.M)
    assert sorted(created) == sorted([*DATABASE_SERVICES, *(f"{s}_keys" for s in KEY_STORES)])


# --- RabbitMQ -----------------------------------------------------------------------------------


def rabbitmq_conf() -> dict[str, str]:
    settings = {}
    for line in RABBITMQ_CONF.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def definitions_path_loaded() -> str:
    return rabbitmq_conf()["definitions.local.path"]


@pytest.fixture(scope="module")
def definitions() -> dict:
    return json.loads(DEFINITIONS.read_text())


def test_rabbitmq_conf_loads_the_definitions_only_when_they_changed():
    """An import clears the passwords of the users it declares: a plain restart must not
    import the file again."""
    conf = rabbitmq_conf()
    assert conf["definitions.import_backend"] == "local_filesystem"
    assert definitions_path_loaded() == "/etc/rabbitmq/definitions.json"
    assert conf["definitions.skip_if_unchanged"] == "true"
    assert "load_definitions" not in conf  # the classic key would import on every boot


def test_definitions_declare_one_events_exchange_per_source(definitions):
    events = {
        exchange["name"]: exchange
        for exchange in definitions["exchanges"]
        if exchange["name"].endswith(".events")
    }
    assert sorted(events) == sorted(f"{source}.events" for source in SOURCES)
    for exchange in events.values():
        assert exchange["type"] == "topic" and exchange["durable"] and not exchange["auto_delete"]


def test_definitions_declare_reporting_s_queues_as_its_code_does(definitions):
    """Each source's batch queue and its dead letter queue, quorum, with exactly the arguments
    reporting declares them with (the broker refuses a declaration that differs), bound as
    reporting binds them: the batch queue to the source's exchange and to the redrive exchange,
    the dead letter queue to the dead-letter exchange. No other queue: the batch queues of
    before dead letters (nameko's names) are gone."""
    queues = {queue["name"]: queue for queue in definitions["queues"]}
    exchanges = {exchange["name"]: exchange for exchange in definitions["exchanges"]}
    bindings = {(b["source"], b["destination"], b["routing_key"])
                for b in definitions["bindings"] if b["destination_type"] == "queue"}
    for name in (deadletters.EXCHANGE, deadletters.REDRIVE):
        assert exchanges[name]["type"] == "direct" and exchanges[name]["durable"], name
    expected = set()
    for source in SOURCES:
        queue = batch_queue(source)
        dead = deadletters.dead_letter_queue(queue)
        expected |= {queue, dead}
        assert queues[queue]["durable"] and queues[queue]["arguments"] == deadletters.queue_arguments(queue, "quorum")
        assert queues[dead]["durable"] and queues[dead]["arguments"] == deadletters.dead_letter_arguments("quorum")
        assert {(f"{source}.events", queue, BATCH), (deadletters.REDRIVE, queue, queue),
                (deadletters.EXCHANGE, dead, queue)} <= bindings, source
    assert set(queues) == expected


def test_reporting_handles_the_batches_of_every_running_source():
    from sanphalang.config import RUNNING_SOURCES
    from services.reporting.service import ReportingService

    for source in RUNNING_SOURCES:
        assert callable(getattr(ReportingService, f"on_{source}_batch", None)), source


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


def test_every_running_service_autoscales_and_drains_one_pod_at_a_time(objects, deployments):
    """Each service scales on its own (issue 16): an HPA and a PodDisruptionBudget per Deployment."""
    autoscaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(objects, "HorizontalPodAutoscaler").values()}
    budgets = {pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]: pdb["spec"]
               for pdb in of_kind(objects, "PodDisruptionBudget").values()}
    assert autoscaled == set(RUNNING_SERVICES)
    for name, deployment in deployments.items():
        assert deployment["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == name
        assert budgets[name] == {"maxUnavailable": 1, "selector": deployment["spec"]["selector"]}, name


def _shutdown_timeout(env: dict) -> float:
    return float(env.get("SANPHALANG_SHUTDOWN_TIMEOUT") or DEFAULTS["SANPHALANG_SHUTDOWN_TIMEOUT"])


def test_k8s_grace_period_outlasts_the_shutdown_timeout(objects, deployments):
    timeout = _shutdown_timeout(of_kind(objects, "ConfigMap")["sanphalang-config"]["data"])
    for name, deployment in deployments.items():
        assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= timeout + 5, name


def test_compose_grace_period_outlasts_the_shutdown_timeout(app_services):
    for name, service in app_services.items():
        grace = service.get("stop_grace_period", "10s")
        assert grace.endswith("s") and float(grace[:-1]) >= _shutdown_timeout(service.get("environment", {})) + 5, name


def test_every_gateway_replica_signs_sessions_with_one_key_from_the_secret(deployments):
    """The gateway autoscales: a session cookie signed by one replica must open on another."""
    env = {e["name"]: e for e in container(deployments["gateway"]).get("env", [])}
    assert env["SANPHALANG_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "sanphalang-credentials"


def mounted_as_files(objects) -> set[str]:
    """The ConfigMaps and Secrets some Deployment mounts as files (keys), not environment."""
    found = set()
    for deployment in of_kind(objects, "Deployment").values():
        for volume in deployment["spec"]["template"]["spec"].get("volumes", []):
            if "configMap" in volume:
                found.add(f"ConfigMap/{volume['configMap']['name']}")
            elif "secret" in volume:
                found.add(f"Secret/{volume['secret']['secretName']}")
    return found


def k8s_env_vars(objects) -> dict[str, set[str]]:
    """Every environment variable name each object sets, by object."""
    found = {}
    files = mounted_as_files(objects)
    for obj in objects:
        key = f"{obj['kind']}/{obj['metadata']['name']}"
        if key in files:
            continue
        if obj["kind"] == "ConfigMap":
            found[key] = set(obj.get("data", {}))
        elif obj["kind"] == "Secret":
            found[key] = set(obj.get("stringData", {})) | set(obj.get("data", {}))
        elif obj["kind"] == "Deployment":
            found[key] = {e["name"] for e in container(obj).get("env", [])}
    return found


def test_k8s_env_vars_are_read_by_the_code(objects):
    """Secrets also hold the AMQP URI of each broker user (a Deployment gives its own as
    SANPHALANG_AMQP_URI) and the broker-users Job's administrator."""
    for key, names in k8s_env_vars(objects).items():
        allowed = KNOWN_VARS | (AMQP_URI_VARS | {MANAGEMENT_URI_VAR} if key.startswith("Secret/") else set())
        unknown = names - allowed
        assert not unknown, f"{key} sets variables the code does not read: {unknown}"


def test_k8s_env_references_resolve(objects, deployments):
    config_maps = of_kind(objects, "ConfigMap")
    secrets = of_kind(objects, "Secret")
    for name, deployment in deployments.items():
        main = container(deployment)
        for source in main.get("envFrom", []):
            assert source["configMapRef"]["name"] in config_maps, name
        for env in main.get("env", []):
            if "value" in env:  # a path of its own mounts: the keys', knowledge's files (below)
                assert env["name"] in path_vars(name), (name, env)
                continue
            ref = env["valueFrom"]["secretKeyRef"]
            secret = secrets[ref["name"]]
            assert ref["key"] in secret["stringData"], (name, ref)
            expected = amqp_uri_var(name) if env["name"] == "SANPHALANG_AMQP_URI" else env["name"]
            assert ref["key"] == expected, (name, ref)


def credentials_secret(objects) -> dict:
    return of_kind(objects, "Secret")["sanphalang-credentials"]


def shared_config(objects) -> dict:
    return of_kind(objects, "ConfigMap")["sanphalang-config"]


def test_k8s_each_database_service_gets_its_own_database(objects, deployments):
    secret = credentials_secret(objects)
    assert DATABASE_URL_VARS <= set(secret["stringData"])
    for name, deployment in deployments.items():
        given = {e["name"] for e in container(deployment).get("env", [])} & DATABASE_URL_VARS
        expected = {database_url_var(name)} if name in DATABASE_SERVICES else set()
        assert given == expected, f"{name} gets {given}, expected {expected}"
    for service in DATABASE_SERVICES:
        assert secret["stringData"][database_url_var(service)].endswith(f"/{service}")


def test_k8s_shared_config_sets_quorum_queues_and_listens_on_all_interfaces(objects, deployments):
    config_map = shared_config(objects)
    assert config_map["data"]["SANPHALANG_QUEUE_TYPE"] == "quorum"
    assert config_map["data"]["SANPHALANG_HOST"] == "0.0.0.0"
    for name, deployment in deployments.items():
        refs = [s["configMapRef"]["name"] for s in container(deployment).get("envFrom", [])]
        assert config_map["metadata"]["name"] in refs, name
        assert "SANPHALANG_AMQP_URI" in {e["name"] for e in container(deployment)["env"]}, name


def test_k8s_gateway_port_matches_config(objects, deployments):
    config_map = shared_config(objects)
    assert config_map["data"].get("SANPHALANG_PORT", PORT) == PORT
    ports = {p["name"]: p["containerPort"] for p in container(deployments["gateway"])["ports"]}
    assert ports == {"http": int(PORT), "metrics": metrics_port(objects)}
    service = of_kind(objects, "Service")["gateway"]
    assert service["spec"]["selector"] == deployments["gateway"]["spec"]["selector"]["matchLabels"]
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in ("http", int(PORT))


def metrics_port(objects) -> int:
    return int(shared_config(objects)["data"]["SANPHALANG_METRICS_PORT"])


def test_k8s_every_pod_is_scraped_on_its_metrics_port_and_no_service_exposes_it(objects, deployments):
    """Each process serves /metrics on SANPHALANG_METRICS_PORT (a fixed port in the cluster; 0,
    any free port, on one machine): the container declares it and the pod asks Prometheus to
    scrape it. No Service routes to it: the gateway's public port never serves /metrics."""
    port = metrics_port(objects)
    assert port > 0 and str(port) != PORT and DEFAULTS["SANPHALANG_METRICS_PORT"] == "0"
    for name, deployment in deployments.items():
        ports = {p["name"]: p["containerPort"] for p in container(deployment).get("ports", [])}
        assert ports.get("metrics") == port, name
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": str(port),
                               "prometheus.io/path": "/metrics"}, name
    for service in of_kind(objects, "Service").values():
        assert all(p.get("targetPort") not in ("metrics", port) and p["port"] != port
                   for p in service["spec"]["ports"]), service["metadata"]["name"]


def test_compose_gives_every_process_a_fixed_metrics_port_published_nowhere(compose, app_services):
    for name, service in app_services.items():
        port = service["environment"].get("SANPHALANG_METRICS_PORT")
        assert port and int(port) > 0 and port != PORT, name
        assert not any(str(published).rsplit(":", 1)[-1] == port for published in service.get("ports", [])), name


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


# --- Broker users -------------------------------------------------------------------------------
#
# Every name below comes from the code that declares, publishes to or consumes the object:
# nameko's RPC exchange and queue templates, the standalone proxy's service name, the chassis'
# events exchange and batch routing key, the registry. tests/system/test_broker_users.py proves
# on the real broker that the processes work under these permissions and nothing more.

RPC_EXCHANGE = get_rpc_exchange({}).name
STANDALONE = StandaloneProxyBase.ServiceContainer.service_name  # the gateway's and the CLI's proxies


def rpc_queue(service: str) -> str:
    return RPC_QUEUE_TEMPLATE.format(service)


def reply_queue(caller: str) -> str:
    """A reply queue as nameko names it: per RpcProxy user (reporting), or per standalone proxy
    (the gateway, the CLI, and `sanphalang health <service>`, the probes)."""
    return RPC_REPLY_QUEUE_TEMPLATE.format(caller, uuid.uuid4())


def reply_key() -> str:
    """The routing key of a reply (the reply queue's binding): nameko's str(uuid4())."""
    return str(uuid.uuid4())


def events(source: str) -> str:
    return events_exchange(source).name


# The RPCs a register makes to another, signed as itself: knowledge checks with people that the
# people an item or a campaign names are listed (people.public_names).
CALLS = {KNOWLEDGE: {"people.public_names"}}


def by_user(entries: list[dict]) -> dict[str, dict]:
    found = {}
    for entry in entries:
        assert entry["user"] not in found, f"{entry['user']}: one entry per user"
        found[entry["user"]] = entry
    return found


@pytest.fixture(scope="module")
def permissions(definitions) -> dict[str, dict]:
    assert {p["vhost"] for p in definitions["permissions"]} == {"/"}
    return by_user(definitions["permissions"])


@pytest.fixture(scope="module")
def topic_permissions(definitions) -> dict[str, dict]:
    assert {(p["vhost"], p["exchange"]) for p in definitions["topic_permissions"]} == {("/", RPC_EXCHANGE)}
    return by_user(definitions["topic_permissions"])


def may(permission: dict, action: str, name: str) -> bool:
    """RabbitMQ's check: the regex searched in the name (ours are anchored)."""
    return re.search(permission[action], name) is not None


def test_definitions_give_every_process_and_the_cli_a_user_of_its_own(definitions, permissions, topic_permissions):
    users = {user["name"]: user for user in definitions["users"]}
    assert sorted(users) == sorted(BROKER_USERS)
    assert "guest" not in users
    for name, user in users.items():
        # No password is committed: nobody can sign in until set-passwords.py gives it one.
        assert user["password_hash"] == "" and "password" not in user, name
        assert user["tags"] in ("", []), f"{name} needs no management or administrator tag"
    assert set(permissions) == set(users) == set(topic_permissions)


def test_every_permission_is_anchored_and_none_is_everything(permissions, topic_permissions):
    stranger = f"anything-{uuid.uuid4().hex}"
    for user, permission in permissions.items():
        assert {permission[a] for a in ("configure", "write", "read")} != {".*"}, user
        for action in ("configure", "write", "read"):
            regex = permission[action]
            assert regex.startswith("^") and regex.endswith("$"), (user, action, regex)
            assert not may(permission, action, stranger), (user, action)
    for user, permission in topic_permissions.items():
        for action in ("write", "read"):
            assert permission[action].startswith("^") and permission[action].endswith("$"), (user, action)
            assert not may(permission, action, "#") and not may(permission, action, stranger), (user, action)


def test_every_service_serves_its_rpcs_and_answers_its_probe(permissions, topic_permissions):
    """A service declares and binds its `rpc-<service>` queue to the RPC exchange, consumes it
    and publishes replies; its health probe (`sanphalang health <service>`, in its container,
    with its credentials) is a standalone proxy calling `<service>.health`."""
    for service in (s for s in SERVICES if s != GATEWAY):
        permission, topics = permissions[service], topic_permissions[service]
        probe = reply_queue(STANDALONE)
        for action in ("configure", "write", "read"):
            assert may(permission, action, RPC_EXCHANGE), (service, action)
            assert may(permission, action, rpc_queue(service)), (service, action)
            assert may(permission, action, probe), (service, action)
        assert may(topics, "read", f"{service}.*"), service  # binds rpc-<service>
        assert may(topics, "read", reply_key()), service  # binds the probe's reply queue
        assert may(topics, "write", reply_key()), service  # replies
        assert may(topics, "write", f"{service}.health"), service  # the probe's call
        for other in (s for s in SERVICES if s not in (service, GATEWAY)):
            for action in ("configure", "write", "read"):
                assert not may(permission, action, rpc_queue(other)), (service, action, other)
            assert not may(topics, "read", f"{other}.*"), (service, other)


def test_sources_publish_only_their_own_events(permissions, topic_permissions):
    for source in SOURCES:
        permission = permissions[source]
        assert may(permission, "configure", events(source)) and may(permission, "write", events(source))
        assert not may(permission, "read", events(source)), source
        for other in (s for s in SOURCES if s != source):
            for action in ("configure", "write", "read"):
                assert not may(permission, action, events(other)), (source, action, other)
        for any_source in SOURCES:
            for action in ("configure", "write", "read"):
                assert not may(permission, action, batch_queue(any_source)), (source, action)
        # It calls no other service but the RPCs its code makes (test below).
        for other in (s for s in SERVICES if s not in (source, GATEWAY)):
            assert not may(topic_permissions[source], "write", f"{other}.health"), (source, other)


def rpc_methods(service: str) -> list[str]:
    cls = service_class(service)
    return [name for name, function in inspect.getmembers(cls, callable)
            if any(isinstance(e, Rpc) for e in getattr(function, "nameko_entrypoints", ()))]


def calls_made(source: str) -> set[str]:
    """The RPCs a register's code makes to another service, as routing keys: each
    `self.<proxy>.<method>(` in its service's module, for each RpcProxy the service holds."""
    cls = service_class(source)
    text = inspect.getsource(inspect.getmodule(cls))
    return {f"{proxy.target_service}.{method}"
            for attribute, proxy in vars(cls).items() if isinstance(proxy, RpcProxy)
            for method in re.findall(rf"self\.{attribute}\.(\w+)\(", text)}


def test_a_register_may_make_exactly_the_calls_its_code_makes(permissions, topic_permissions):
    """knowledge asks people which people an item or a campaign may name (CALLS), through an
    RPC proxy with a reply queue of its own (`rpc.reply-knowledge-<uuid>`); it may call no other
    RPC of people's or of anyone's. The other registers call no one and have no such queue."""
    for source in SOURCES:
        permission, topics = permissions[source], topic_permissions[source]
        calls = CALLS.get(source, set())
        assert calls_made(source) == calls, source
        for action in ("configure", "write", "read"):
            assert may(permission, action, reply_queue(source)) == bool(calls), (source, action)
        for other in (s for s in SERVICES if s not in (source, GATEWAY)):
            for method in rpc_methods(other):
                key = f"{other}.{method}"
                assert may(topics, "write", key) == (key in calls), (source, key)


def test_reporting_consumes_every_sources_batches_and_calls_the_sources(permissions, topic_permissions):
    """nameko's event handler declares the source's exchange and reporting's queue and binds
    them; reporting's RPC proxies (catch-up, verify) have reply queues of their own."""
    permission, topics = permissions[REPORTING], topic_permissions[REPORTING]
    for source in SOURCES:
        assert may(permission, "configure", events(source)) and may(permission, "read", events(source))
        assert not may(permission, "write", events(source)), f"reporting must not publish {source}'s events"
        for action in ("configure", "write", "read"):
            assert may(permission, action, batch_queue(source)), (source, action)
        assert may(topics, "write", f"{source}.events_since"), source
    for action in ("configure", "write", "read"):
        assert may(permission, action, reply_queue(REPORTING)), action
    assert not may(topics, "write", f"{GATEWAY}.anything")


def test_the_gateway_and_the_cli_are_rpc_clients_only(permissions, topic_permissions):
    for client in CLIENTS:
        permission, topics = permissions[client], topic_permissions[client]
        for action in ("configure", "write", "read"):
            assert may(permission, action, RPC_EXCHANGE), (client, action)
            assert may(permission, action, reply_queue(STANDALONE)), (client, action)
            assert not may(permission, action, reply_queue(REPORTING)), (client, action)
            for service in (s for s in SERVICES if s != GATEWAY):
                assert not may(permission, action, rpc_queue(service)), (client, action, service)
            for source in SOURCES:
                assert not may(permission, action, events(source)), (client, action, source)
                assert not may(permission, action, batch_queue(source)), (client, action, source)
        for service in (s for s in SERVICES if s != GATEWAY):
            assert may(topics, "write", f"{service}.health"), (client, service)
            assert not may(topics, "read", f"{service}.*"), (client, service)  # no eavesdropping
        assert may(topics, "read", reply_key()), client
        assert not may(topics, "write", reply_key()), f"{client} answers no RPC"


def test_reporting_keeps_dead_letters_and_only_the_cli_reads_and_sends_them_back(permissions):
    """Reporting declares the dead-letter exchange, its dead letter queues and the redrive
    exchange and binds its queues to them (declaring a queue with a dead-letter exchange takes
    write on that exchange too); the CLI, as operator, reads the dead letter queues (`list`,
    `redrive`) and publishes to the redrive exchange alone, which reaches only the queues bound
    to it: reporting's. Nobody else touches any of them."""
    dead = [deadletters.dead_letter_queue(batch_queue(source)) for source in SOURCES]
    allowed = {
        REPORTING: {"configure": {deadletters.EXCHANGE, deadletters.REDRIVE, *dead},
                    "write": {deadletters.EXCHANGE, *dead}, "read": {deadletters.EXCHANGE, deadletters.REDRIVE}},
        OPERATOR: {"configure": set(), "write": {deadletters.REDRIVE}, "read": set(dead)},
    }
    for user, permission in permissions.items():
        for action in ("configure", "write", "read"):
            granted = allowed.get(user, {}).get(action, set())
            for name in (deadletters.EXCHANGE, deadletters.REDRIVE, *dead):
                assert may(permission, action, name) == (name in granted), (user, action, name)


def test_every_process_announces_itself_and_only_the_cli_listens(definitions, permissions):
    """Heartbeats (`sanphalang status`): each process declares the fanout exchange
    sanphalang.status and publishes to it, and reads nothing of it; the CLI binds a queue of
    its own to it and reads that, and publishes nothing there (no forged instance)."""
    from sanphalang.status import listener_queue
    from services.chassis.heartbeat import EXCHANGE, status_exchange

    (declared,) = [e for e in definitions["exchanges"] if e["name"] == EXCHANGE]
    exchange = status_exchange()
    assert (declared["type"], declared["durable"], declared["auto_delete"]) == (
        exchange.type, exchange.durable, exchange.auto_delete)
    listener = listener_queue()
    for user, permission in permissions.items():
        if user == OPERATOR:
            assert may(permission, "read", EXCHANGE) and not may(permission, "write", EXCHANGE)
            assert not may(permission, "configure", EXCHANGE)
            for action in ("configure", "write", "read"):
                assert may(permission, action, listener), action
            continue
        assert may(permission, "configure", EXCHANGE) and may(permission, "write", EXCHANGE), user
        assert not may(permission, "read", EXCHANGE), f"{user} must not read the heartbeats"
        for action in ("configure", "write", "read"):
            assert not may(permission, action, listener), (user, action)


def test_the_word_guest_appears_in_no_deploy_file():
    """The code's default user (guest, which RabbitMQ lets in on loopback only) is for
    development on one machine; no deployed process may use it. The READMEs may name it."""
    files = [COMPOSE, DOCKERFILE, *(p for p in DEPLOY.rglob("*") if p.is_file() and p.suffix != ".md")]
    for path in files:
        assert not re.search(r"\bguest\b", path.read_text(), re.I), path


def amqp_user(uri: str) -> str:
    return re.match(r"amqp://([^:@/]+):", uri).group(1)


def test_compose_gives_each_process_its_own_broker_user(compose, app_services):
    uris = {name: service["environment"]["SANPHALANG_AMQP_URI"] for name, service in app_services.items()}
    for name, uri in uris.items():
        password_var = f"{name.upper()}_AMQP_PASSWORD"
        match = re.fullmatch(rf"amqp://{name}:\$\{{{password_var}:(?P<rule>[?-])[^}}]*\}}@rabbitmq:5672/", uri)
        assert match, f"{name}: {uri}"
        # A running service cannot start without its password; the others may wait for theirs.
        assert (match["rule"] == "?") == (name in RUNNING_SERVICES), (name, uri)
    assert len(set(uris.values())) == len(uris)


def test_compose_sets_every_broker_users_password_before_any_process_starts(compose, app_services):
    (name,) = [name for name, service in compose["services"].items()
               if one_shot(service) and command_words(service["command"])[-1].endswith("/set-passwords.py")]
    users = compose["services"][name]
    assert users["command"][-1].endswith("/set-passwords.py")
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in users["volumes"] if v.startswith("./"))
    assert mounts == {f"./{SET_PASSWORDS.relative_to(ROOT)}": users["command"][-1]}
    assert "rabbitmq-data:/var/lib/rabbitmq:ro" in users["volumes"], "the node's Erlang cookie"
    assert users["depends_on"] == {"rabbitmq": {"condition": "service_healthy"}}
    given = {var: uri for var, uri in users["environment"].items() if var.endswith("_AMQP_URI")}
    assert set(given) == AMQP_URI_VARS
    for user in BROKER_USERS:
        assert amqp_user(given[amqp_uri_var(user)]) == user
    for service_name, service in app_services.items():
        assert given[amqp_uri_var(service_name)] == service["environment"]["SANPHALANG_AMQP_URI"]
        assert service["depends_on"][name] == {"condition": "service_completed_successfully"}


def test_k8s_gives_each_process_its_own_broker_user(objects, deployments):
    secret = credentials_secret(objects)["stringData"]
    assert AMQP_URI_VARS <= set(secret)
    for user in BROKER_USERS:
        uri = secret[amqp_uri_var(user)]
        assert amqp_user(uri) == user and f":{PLACEHOLDER}@" in uri, (user, uri)
    for name, deployment in deployments.items():
        env = {e["name"]: e for e in container(deployment)["env"]}
        assert env["SANPHALANG_AMQP_URI"]["valueFrom"]["secretKeyRef"] == {
            "name": "sanphalang-credentials", "key": amqp_uri_var(name)}, name


def test_k8s_broker_users_job_sets_every_users_password(objects):
    (job,) = of_kind(objects, "Job").values()
    main = container(job)
    assert main["image"].split(":")[0] == "sanphalang"
    script = main["args"][-1]
    copied = [rest.split() for keyword, rest in final_stage() if keyword == "COPY" and "set-passwords" in rest]
    assert copied == [[str(SET_PASSWORDS.relative_to(ROOT)), script]], "the image carries the script the Job runs"
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in main["env"]}
    assert set(refs) == AMQP_URI_VARS | {MANAGEMENT_URI_VAR}
    for var in AMQP_URI_VARS:
        assert refs[var] == {"name": "sanphalang-credentials", "key": var}
    admin = of_kind(objects, "Secret")[refs[MANAGEMENT_URI_VAR]["name"]]
    assert admin["metadata"]["name"] != "sanphalang-credentials", "the administrator stays out of the processes' Secret"
    assert refs[MANAGEMENT_URI_VAR]["key"] in admin["stringData"]
    pod = job["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["restartPolicy"] in ("Never", "OnFailure")
    assert job["spec"].get("ttlSecondsAfterFinished"), "kubectl apply -k must be able to run it again"


def load_set_passwords():
    spec = importlib.util.spec_from_file_location("set_passwords", SET_PASSWORDS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_set_passwords_reads_the_users_from_their_uris_as_kombu_does():
    from kombu import Connection

    script = load_set_passwords()
    uri = "amqp://orgs:a%40b%2F-c%3A@rabbitmq:5672/"
    environ = {"ORGS_AMQP_URI": uri, "SANPHALANG_AMQP_URI": "amqp://other:x@rabbitmq:5672/", "PATH": "/bin"}
    assert script.users_from(environ) == [("ORGS_AMQP_URI", "orgs", "a@b/-c:")]
    connection = Connection(uri)
    assert (connection.userid, connection.password) == ("orgs", "a@b/-c:")


def test_set_passwords_refuses_placeholders_before_touching_the_broker(capsys):
    script = load_set_passwords()
    assert script.main({"ORGS_AMQP_URI": f"amqp://orgs:{PLACEHOLDER}@rabbitmq:5672/"}) == 2
    assert script.main({"ORGS_AMQP_URI": "amqp://orgs:x@rabbitmq:5672/",
                        MANAGEMENT_URI_VAR: f"https://{PLACEHOLDER}:{PLACEHOLDER}@rabbitmq:15671/"}) == 2
    assert script.main({}) == 2
    assert "x" not in capsys.readouterr().out.split()  # no password printed


# --- The knowledge items' files -----------------------------------------------------------------
#
# knowledge keeps its items' attachments by content hash in SANPHALANG_KNOWLEDGE_FILES, on a volume
# that outlives its container and that no other process mounts: in compose the named volume
# `knowledge-files`; in Kubernetes the claim `knowledge-files`, ReadWriteMany, as every replica
# reads and writes it. No other Deployment has storage that outlives its pod.

FILES_VAR = "SANPHALANG_KNOWLEDGE_FILES"
FILES_VOLUME = "knowledge-files"  # the compose volume and the Kubernetes claim


def path_vars(deployment: str) -> set[str]:
    """The variables a Deployment may set to a plain value: paths of its own mounts."""
    return KEY_PATH_VARS | ({FILES_VAR} if deployment == KNOWLEDGE else set())


def test_knowledge_files_are_a_setting_the_code_reads():
    assert FILES_VAR in DEFAULTS and not DEFAULTS[FILES_VAR], "empty: SANPHALANG_VAR/knowledge-files"


def test_compose_gives_knowledge_alone_a_volume_for_its_files(compose, app_services):
    assert FILES_VOLUME in compose["volumes"]
    knowledge = app_services[KNOWLEDGE]
    files_dir = knowledge["environment"][FILES_VAR]
    assert knowledge["volumes"] == [*compose["x-sanphalang"]["volumes"], f"{FILES_VOLUME}:{files_dir}"]
    for name, service in compose["services"].items():
        if name not in (KNOWLEDGE, "keys-init"):
            assert FILES_VAR not in service.get("environment", {}), name
            assert FILES_VOLUME not in {v.split(":")[0] for v in service.get("volumes", [])}, name


def test_k8s_gives_knowledge_alone_a_shared_claim_for_its_files(objects, deployments):
    claims = of_kind(objects, "PersistentVolumeClaim")
    assert set(claims) == {FILES_VOLUME}
    assert claims[FILES_VOLUME]["spec"]["accessModes"] == ["ReadWriteMany"], "every replica reads and writes it"
    assert FILES_VAR not in shared_config(objects)["data"]
    for name, deployment in deployments.items():
        claimed = {v["persistentVolumeClaim"]["claimName"]: v["name"]
                   for v in pod_volumes(deployment).values() if "persistentVolumeClaim" in v}
        env = plain_env(deployment)
        if name != KNOWLEDGE:
            assert not claimed and FILES_VAR not in env, name
            continue
        assert set(claimed) == {FILES_VOLUME}
        (mount,) = [m for m in container(deployment)["volumeMounts"] if m["name"] == claimed[FILES_VOLUME]]
        assert mount["mountPath"] == env[FILES_VAR] and not mount.get("readOnly"), mount


# --- Keys of the actor assertions ---------------------------------------------------------------
#
# Every process trusts the public keys (SANPHALANG_KEYS); only the signers among the
# Deployments hold a private key, each its own (docs/security.md): the gateway (for its users),
# reporting (reading the registers' logs) and knowledge (asking people), the services that sign
# their calls as themselves.

KEY_PATH_VARS = {"SANPHALANG_KEYS", "SANPHALANG_SIGNING_KEY"}
SIGNERS = (GATEWAY, REPORTING, KNOWLEDGE)
TRUSTED_KEYS = "sanphalang-trusted-keys"
K8S_KEYS_DIR = "/etc/sanphalang/keys"
K8S_SIGNING_DIR = "/etc/sanphalang/signing"
UID = 10001  # the image's user (Dockerfile)


def pod_volumes(deployment: dict) -> dict[str, dict]:
    return {v["name"]: v for v in deployment["spec"]["template"]["spec"].get("volumes", [])}


def mounts_of(deployment: dict) -> dict[str, dict]:
    """Each volume's mount in the container, by the volume's source (configMap/secret name)."""
    volumes = pod_volumes(deployment)
    found = {}
    for mount in container(deployment).get("volumeMounts", []):
        volume = volumes[mount["name"]]
        source = (volume.get("configMap") or {}).get("name") or (volume.get("secret") or {}).get("secretName")
        if source:
            found[source] = {**mount, "volume": volume}
    return found


def plain_env(deployment: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container(deployment).get("env", []) if "value" in e}


def test_the_signers_are_the_gateway_and_the_services_that_sign_as_themselves():
    from services.edge.asking import Signing

    signing = {name for name in RUNNING_SERVICES if name != GATEWAY
               and any(isinstance(v, Signing) for v in vars(service_class(name)).values())}
    assert {GATEWAY, *signing} == set(SIGNERS)


def test_k8s_trusted_keys_hold_every_signers_public_key(objects):
    config_map = of_kind(objects, "ConfigMap")[TRUSTED_KEYS]
    assert set(config_map["data"]) == {f"{signer}.pub" for signer in (*SIGNERS, "cli")}
    assert all(value.strip() == PLACEHOLDER for value in config_map["data"].values())


def test_k8s_every_deployment_trusts_the_public_keys(deployments):
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        mount = mounts_of(deployment).get(TRUSTED_KEYS)
        assert mount, f"{name} does not mount {TRUSTED_KEYS}"
        assert mount["mountPath"] == K8S_KEYS_DIR and mount["readOnly"] is True, name
        assert plain_env(deployment).get("SANPHALANG_KEYS") == K8S_KEYS_DIR, name


def test_k8s_only_the_signers_hold_a_private_key_each_its_own(objects, deployments):
    secrets = of_kind(objects, "Secret")
    for name, deployment in deployments.items():
        signing = {source: mount for source, mount in mounts_of(deployment).items() if source.startswith("sanphalang-signing-")}
        env = plain_env(deployment)
        if name not in SIGNERS:
            assert not signing and "SANPHALANG_SIGNING_KEY" not in env, f"{name} must hold no private key"
            continue
        assert set(signing) == {f"sanphalang-signing-{name}"}, (name, set(signing))
        (mount,) = signing.values()
        assert mount["mountPath"] == K8S_SIGNING_DIR and mount["readOnly"] is True, name
        assert env["SANPHALANG_SIGNING_KEY"] == f"{K8S_SIGNING_DIR}/{name}.key", name
        secret = secrets[f"sanphalang-signing-{name}"]
        assert set(secret["stringData"]) == {f"{name}.key"}
        assert secret["stringData"][f"{name}.key"].strip() == PLACEHOLDER
        # Secret files are root-owned: the pod's user reads it through fsGroup, nobody else.
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsUser"] == UID and pod["securityContext"]["fsGroup"] == UID, name
        mode = mount["volume"]["secret"]["defaultMode"]
        assert mode & 0o040 and not mode & 0o007 and not mode & 0o222, (name, oct(mode))
    credentials = credentials_secret(objects)["stringData"]
    assert not any(key.endswith(".key") for key in credentials), "private keys stay out of the shared Secret"


def test_compose_gives_every_process_the_keys_volume(compose, app_services):
    assert "keys" in compose["volumes"]
    for name, service in app_services.items():
        keys_dir = service["environment"].get("SANPHALANG_KEYS")
        assert keys_dir, f"{name} sets no SANPHALANG_KEYS"
        assert f"keys:{keys_dir}" in service.get("volumes", []), name
        assert not service["environment"].get("SANPHALANG_SIGNING_KEY"), f"{name}: keys made on first use"
        assert service["depends_on"]["keys-init"] == {"condition": "service_completed_successfully"}, name
    # keys-init hands the image's user the two volumes a process writes: the keys, knowledge's files.
    init = compose["services"]["keys-init"]
    files_dir = app_services[KNOWLEDGE]["environment"][FILES_VAR]
    assert one_shot(init) and init["volumes"] == [f"keys:{keys_dir}", f"{FILES_VOLUME}:{files_dir}"]
    commands = [shlex.split(part) for part in command_words(init["command"])[-1].split("&&")]
    (chown,) = [words for words in commands if words[0] == "chown"]
    assert chown[1] == f"{UID}:{UID}" and sorted(chown[2:]) == sorted([keys_dir, files_dir])


# --- The key stores and the master key (DESIGN §2b) ---------------------------------------------
#
# A register of personal data (the registry's KEY_STORES: people) keeps its wrapped data keys and
# its erasure ledger in a key store apart from its event database (<NAME>_KEYS_DATABASE_URL), and
# only it is given that store and the master key that wraps the keys (settings.PRIVATE): no other
# process, no shared Secret, no shared volume.


def database_of(url: str) -> tuple[str, str]:
    """(host, database) of a database URL."""
    match = re.fullmatch(r"postgresql\+psycopg://[^@]+@(?P<host>[^:/]+)(:\d+)?/(?P<database>\w+)", url)
    assert match, url
    return match["host"], match["database"]


def test_only_a_register_of_personal_data_is_given_a_key_store_and_the_master_key():
    assert KEY_STORES == ("people",)
    assert set(PRIVATE) == set(KEY_STORES)
    for service, names in PRIVATE.items():
        assert set(names) == {key_store_var(service), MASTER_KEY}
    assert MASTER_KEY in DEFAULTS and not DEFAULTS[MASTER_KEY], "no master key has a default value"


def test_compose_gives_the_key_store_and_the_master_key_to_their_service_alone(compose, app_services):
    for name, service in app_services.items():
        environment = service["environment"]
        assert set(environment) & PRIVATE_VARS == set(PRIVATE.get(name, ())), name
    for name in KEY_STORES:
        environment = app_services[name]["environment"]
        host, keys = database_of(environment[key_store_var(name)])
        assert (host, keys) == ("postgres", f"{name}_keys")
        assert database_of(environment[database_url_var(name)])[1] == name != keys
        # Required: without it the service would make var/master.key in the container, lost with it.
        assert re.fullmatch(rf"\$\{{{MASTER_KEY}:\?[^}}]+\}}", environment[MASTER_KEY]), environment[MASTER_KEY]
        assert app_services[name]["volumes"] == compose["x-sanphalang"]["volumes"], "no volume of its own for keys"
    others = {k: v for k, v in compose.items() if k != "services"}
    others["services"] = {n: s for n, s in compose["services"].items() if n not in KEY_STORES}
    assert MASTER_KEY not in yaml.safe_dump(others), "the master key appears for the people service only"


def test_compose_keeps_the_master_key_out_of_the_shared_keys_volume(app_services):
    """Every process mounts the `keys` volume (the actor assertions' keys): the master key is
    never a file there. It comes from the environment (required, above); the development
    fallback, SANPHALANG_VAR/master.key, is on no volume either."""
    for name in KEY_STORES:
        service = app_services[name]
        fallback = Path(service["environment"]["SANPHALANG_VAR"]) / "master.key"
        for volume in service.get("volumes", []):
            assert Path(volume.split(":")[1]) not in fallback.parents, volume
        assert not any("master" in str(value) for key, value in service["environment"].items() if key != MASTER_KEY)


def test_k8s_gives_the_key_store_and_the_master_key_to_their_deployment_alone(objects, deployments):
    secrets = of_kind(objects, "Secret")
    assert not set(credentials_secret(objects)["stringData"]) & PRIVATE_VARS, "not in the Secret every Deployment reads"
    assert not set(shared_config(objects)["data"]) & PRIVATE_VARS
    holding = {name for name, secret in secrets.items() if set(secret.get("stringData", {})) & PRIVATE_VARS}
    for name, deployment in deployments.items():
        env = {e["name"]: e for e in container(deployment).get("env", [])}
        assert set(env) & PRIVATE_VARS == set(PRIVATE.get(name, ())), name
        referenced = {e["valueFrom"]["secretKeyRef"]["name"] for e in env.values() if "valueFrom" in e}
        assert bool(referenced & holding) == (name in KEY_STORES), name
    for name in KEY_STORES:
        env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container(deployments[name])["env"] if "valueFrom" in e}
        (secret_name,) = {env[var]["name"] for var in PRIVATE[name]}
        assert secret_name != "sanphalang-credentials"
        secret = secrets[secret_name]["stringData"]
        assert set(secret) == set(PRIVATE[name]), "the Secret holds nothing else"
        assert secret[MASTER_KEY].strip() == PLACEHOLDER
        keys_host, keys = database_of(secret[key_store_var(name)])
        events_host, events_db = database_of(credentials_secret(objects)["stringData"][database_url_var(name)])
        assert keys == f"{name}_keys" != events_db
        assert keys_host != events_host, "the template keeps the key store on a server of its own"
        assert f":{PLACEHOLDER}@" in secret[key_store_var(name)]


def test_sanphalang_up_gives_the_key_store_and_the_master_key_to_their_service_alone(monkeypatch, tmp_path):
    from sanphalang.supervisor import environment

    monkeypatch.setenv("SANPHALANG_VAR", str(tmp_path))
    monkeypatch.setenv(MASTER_KEY, "bWFzdGVyIGtleSBvZiB0aGlzIHRlc3QgcnVuIC0tIDMyIGJ5dGVz")
    monkeypatch.delenv(key_store_var("people"), raising=False)
    people = environment("people")
    assert people[MASTER_KEY] == "bWFzdGVyIGtleSBvZiB0aGlzIHRlc3QgcnVuIC0tIDMyIGJ5dGVz"
    assert people[key_store_var("people")] == f"sqlite:///{(tmp_path / 'people_keys.sqlite').resolve()}"
    monkeypatch.setenv(key_store_var("people"), "postgresql+psycopg://keys@db/people_keys")
    assert environment("people")[key_store_var("people")] == "postgresql+psycopg://keys@db/people_keys"
    for other in (s for s in RUNNING_SERVICES if s not in KEY_STORES):
        assert not set(environment(other)) & PRIVATE_VARS, other
        assert environment(other)["SANPHALANG_VAR"] == str(tmp_path)


def test_the_test_harness_gives_a_key_store_and_a_master_key_of_its_run_to_their_service_alone(tmp_path):
    import base64

    from tests.support import System

    system = System(tmp_path, "amqp://guest:guest@127.0.0.1:5672/x", {"people_keys": "postgresql+psycopg://k@h/pk"})
    assert not set(system.env) & PRIVATE_VARS
    assert set(system.private_env) == set(KEY_STORES)
    people = system.private_env["people"]
    assert people[key_store_var("people")] == "postgresql+psycopg://k@h/pk"
    assert len(base64.b64decode(people[MASTER_KEY])) == 32
    other = System(tmp_path, "amqp://guest:guest@127.0.0.1:5672/x", {})
    assert other.private_env["people"][key_store_var("people")] == f"sqlite:///{tmp_path / 'var' / 'people_keys.sqlite'}"
    assert other.private_env["people"][MASTER_KEY] != people[MASTER_KEY]
