"""The deploy template: `make package` builds build/sam.json (Chalice's functions and API, the table from
chalicelib/table.py, throttling from .chalice/config.json), and the pinned cfn-lint finds nothing in it."""

import json
import subprocess
import sys

import pytest

from chalicelib import table
from tools.local_stack import ROOT


def make(*targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *targets], cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def template() -> dict:
    built = make("package")
    assert built.returncode == 0, built.stdout + built.stderr
    return json.loads((ROOT / "build" / "sam.json").read_text())


def test_cfn_lint_finds_nothing(template):
    installed = make(".venv-lint/.installed")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    lint = subprocess.run(
        [str(ROOT / ".venv-lint" / "bin" / "cfn-lint"), "--format", "json", "build/sam.json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert json.loads(lint.stdout or "[]") == [], lint.stdout


def test_the_functions_run_on_python_3_13(template):
    runtimes = {name: resource["Properties"].get("Runtime") for name, resource in template["Resources"].items()
                if resource["Type"] == "AWS::Serverless::Function"}
    assert runtimes and set(runtimes.values()) == {"python3.13"}, runtimes


def test_the_template_holds_the_table_as_chalicelib_defines_it(template):
    properties = template["Resources"]["Table"]["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == table.KEY_SCHEMA
    assert properties["GlobalSecondaryIndexes"] == table.GLOBAL_SECONDARY_INDEXES
    assert properties["TimeToLiveSpecification"] == {"AttributeName": table.TTL_ATTRIBUTE, "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert "SenderEmail" in template["Parameters"]


def test_the_functions_are_sized_for_argon2_and_the_cleanup_is_scheduled(template):
    api = template["Resources"]["APIHandler"]["Properties"]
    cleanup = template["Resources"]["CleanupExpiredRegistrations"]["Properties"]
    assert api["MemorySize"] == cleanup["MemorySize"] == 1769  # one full vCPU
    assert api["Timeout"] == 10 and cleanup["Timeout"] == 300
    assert cleanup["Events"]["CleanupExpiredRegistrationsEvent"]["Properties"]["Schedule"] == "rate(1 hour)"
    assert api["Environment"]["Variables"]["SENDER_EMAIL"] == {"Ref": "SenderEmail"}
    assert api["Environment"]["Variables"]["TABLE_NAME"] == table_name_of_stage("prod")


def table_name_of_stage(stage: str) -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config["stages"][stage]["environment_variables"]["TABLE_NAME"]


def test_the_policy_names_only_this_table_its_index_and_the_sender():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert config["stages"]["local"]["environment_variables"] == {}
    for stage in ("dev", "prod"):
        settings = config["stages"][stage]
        assert settings["autogen_policy"] is False
        policy = json.loads((ROOT / ".chalice" / settings["iam_policy_file"]).read_text())
        resources = {r for statement in policy["Statement"] for r in statement["Resource"]}
        variables = settings["environment_variables"]
        table_arn = f"arn:aws:dynamodb:eu-west-3:*:table/{variables['TABLE_NAME']}"
        assert resources == {
            table_arn,
            f"{table_arn}/index/{table.EXPIRY_INDEX}",
            f"arn:aws:ses:eu-west-3:*:identity/{variables['SENDER_EMAIL']}",
            "arn:aws:logs:eu-west-3:*:log-group:/aws/lambda/mon-compte-formation-*",
        }
        actions = {a for statement in policy["Statement"] for a in statement["Action"]}
        assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)


def test_the_policy_allows_every_dynamodb_operation_the_store_makes():
    """Least privilege, but enough: derived from the store's own code, so a new call cannot be forgotten."""
    import re

    source = "\n".join(path.read_text() for path in (ROOT / "chalicelib" / "store").glob("*.py"))
    calls = set(re.findall(r"self\._client\.(\w+)\(", source)) - {"transact_write_items"}
    transaction_kinds = set(re.findall(r'"(Put|Update|Delete|ConditionCheck)": ', source))
    needed = {"dynamodb:" + "".join(part.title() for part in call.split("_")) for call in calls}
    needed |= {f"dynamodb:{kind}Item" for kind in transaction_kinds}
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        policy = json.loads((ROOT / ".chalice" / config["stages"][stage]["iam_policy_file"]).read_text())
        table_actions = set(policy["Statement"][0]["Action"])
        assert needed <= table_actions, needed - table_actions


def test_public_routes_are_throttled_tighter_than_the_stage(template):
    method_settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in method_settings}
    stage_default = settings[("/*", "*")]
    for route in [("/~1inscriptions", "POST"), ("/~1sessions", "POST"), ("/~1mots-de-passe~1oubli", "POST"),
                  ("/~1activations~1renvoi", "POST"), ("/~1captchas", "POST")]:
        assert settings[route]["ThrottlingRateLimit"] < stage_default["ThrottlingRateLimit"], route
        assert settings[route]["ThrottlingBurstLimit"] < stage_default["ThrottlingBurstLimit"], route


def test_every_throttled_route_is_a_route_of_the_app():
    from app import app

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        for route in config["stages"][stage]["api_gateway_throttling"]["routes"]:
            method, path = route.split(" ", 1)
            assert method in app.routes[path], route


def test_api_gateway_s_own_refusals_are_problem_documents_too(template):
    responses = template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    missing_route = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing_route["StatusCode"] == "404"
    assert missing_route["ResponseParameters"]["Headers"]["Content-Type"] == "'application/problem+json'"
    for response in responses.values():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        assert set(body) == {"status", "title", "detail", "code"}
        assert str(body["status"]) == response["StatusCode"]
    assert json.loads(responses["THROTTLED"]["ResponseTemplates"]["application/json"])["code"] == "trop_de_requetes"


def test_the_lambda_package_holds_run_time_code_and_data_but_no_tool_and_no_test(template):
    import zipfile

    with zipfile.ZipFile(ROOT / "build" / "deployment.zip") as package:
        names = package.namelist()
    ours = [name for name in names if name == "app.py" or name.startswith("chalicelib/")]
    assert "app.py" in ours and "chalicelib/domain/registration.py" in ours
    assert any(name.startswith("chalicelib/captcha_audio/voix_fr/") and name.endswith(".wav") for name in ours)
    assert not [name for name in names if name.split("/")[0] in ("tools", "tests", "web", "build")]
    tool_modules = {path.name for path in (ROOT / "tools").glob("*.py")} - {"__init__.py"}
    assert not [name for name in ours if name.rsplit("/", 1)[-1] in tool_modules]


def test_the_api_seals_its_captchas_with_a_key_generated_once_for_every_instance(template):
    secret = template["Resources"]["CaptchaSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    variables = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["CAPTCHA_SECRET"] == {"Fn::Sub": "{{resolve:secretsmanager:${CaptchaSecret}:SecretString}}"}


ZIP_BOUND_BYTES = 20_000_000  # 33.3 MB before: phonenumbers' full data, and every AWS service's API model


def test_the_lambda_zip_stays_under_twenty_megabytes(template):
    size = (ROOT / "build" / "deployment.zip").stat().st_size
    assert size < ZIP_BOUND_BYTES, f"{size / 1e6:.1f} MB"


def test_the_zip_runs_on_its_own_with_the_models_and_rules_the_code_uses(template, tmp_path):
    """Unpacked, with nothing of the development venv (`-I -S`: no site-packages): the app imports,
    a client of every service the code asks for is made from the zip's own API models, and the
    phone and NIR rules work with phonenumberslite (no geocoding, carrier or time-zone data)."""
    import zipfile

    from tools.slim_package import services_the_code_uses

    with zipfile.ZipFile(ROOT / "build" / "deployment.zip") as package:
        names = package.namelist()
        package.extractall(tmp_path)
    assert not [name for name in names if name.startswith(("phonenumbers/geodata/", "phonenumbers/carrierdata/"))]
    services = sorted(services_the_code_uses())
    assert {"dynamodb", "ses"} <= set(services)
    script = f"""
import sys
sys.path.insert(0, {str(tmp_path)!r})
import app
import botocore.session
from chalicelib.domain import identity
session = botocore.session.get_session()
for service in {services!r}:
    session.create_client(service, region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="x")
assert identity.normalize_fixed_phone("01 23 45 67 89") == "+33123456789"
assert identity.normalize_mobile_phone("06 12 34 56 78") == "+33612345678"
assert identity.normalize_nir("1 84 05 75 123 456 25") == "184057512345625"
assert botocore.__file__.startswith({str(tmp_path)!r}) and app.__file__.startswith({str(tmp_path)!r})
print("ok")
"""
    run = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.stdout.strip() == "ok", run.stdout + run.stderr
