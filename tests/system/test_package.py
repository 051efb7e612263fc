"""The deploy template: `make package` builds build/sam.json (Chalice's functions and API, the table from
chalicelib/table.py, throttling from .chalice/config.json, the operations of contract §11 from
tools/deploy/operations_template.py) and build/waf.json (the per-client limits, tools/deploy/waf_template.py), and
the pinned cfn-lint finds nothing in either."""

import json
import subprocess
import sys

import pytest

from chalicelib import table
from tools.local.local_stack import ROOT


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
        [str(ROOT / ".venv-lint" / "bin" / "cfn-lint"), "--format", "json", "build/sam.json", "build/waf.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(lint.stdout or "[]") == [], lint.stdout


def test_the_functions_run_on_python_3_13(template):
    runtimes = {
        name: resource["Properties"].get("Runtime")
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
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
        statements = [statement for statement in policy["Statement"] if statement["Sid"] != "Tracing"]
        resources = {r for statement in statements for r in statement["Resource"]}
        variables = settings["environment_variables"]
        table_arn = f"arn:aws:dynamodb:eu-west-3:*:table/{variables['TABLE_NAME']}"
        assert resources == {
            table_arn,
            f"{table_arn}/index/{table.EXPIRY_INDEX}",
            f"arn:aws:ses:eu-west-3:*:identity/{variables['SENDER_EMAIL']}",
            f"arn:aws:ses:eu-west-3:*:configuration-set/{variables['SES_CONFIGURATION_SET']}",
            "arn:aws:logs:eu-west-3:*:log-group:/aws/lambda/mon-compte-formation-*",
        }
        actions = {a for statement in statements for a in statement["Action"]}
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
    for route in [
        ("/~1inscriptions", "POST"),
        ("/~1sessions", "POST"),
        ("/~1mots-de-passe~1oubli", "POST"),
        ("/~1activations~1renvoi", "POST"),
        ("/~1captchas", "POST"),
    ]:
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
    tool_modules = {path.name for path in (ROOT / "tools").rglob("*.py")} - {"__init__.py"}
    assert not [name for name in ours if name.rsplit("/", 1)[-1] in tool_modules]


def test_the_sealing_keyring_is_a_generated_secret_in_the_format_the_app_reads(template):
    from chalicelib.sealing import CURRENT, parse_keyring

    keyring = template["Resources"]["SealingKeyring"]
    assert keyring["Type"] == "AWS::SecretsManager::Secret"
    generated = keyring["Properties"]["GenerateSecretString"]
    first_key = generated["GenerateStringKey"]
    assert json.loads(generated["SecretStringTemplate"]) == {CURRENT: first_key}
    assert generated["PasswordLength"] >= 32 and generated["ExcludePunctuation"] is True
    # What Secrets Manager makes of it: the template's object with the generated key added.
    made = json.dumps({CURRENT: first_key, first_key: "a" * generated["PasswordLength"]})
    assert parse_keyring(made).current == first_key


def test_no_function_s_environment_holds_a_secret_and_the_api_reads_the_keyring_alone(template):
    functions = resources_of_type(template, "AWS::Serverless::Function")
    for name, function in functions.items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert "resolve:secretsmanager" not in json.dumps(variables), name
        assert not {"CAPTCHA_SECRET", "SESSION_AND_ACTIVATION_SECRET"} & set(variables), name
    api = functions["APIHandler"]
    assert api["Properties"]["Environment"]["Variables"]["SEALING_KEYRING_SECRET"] == {"Ref": "SealingKeyring"}
    reader = template["Resources"]["SealingKeyringReader"]
    assert reader["Type"] == "AWS::IAM::Policy" and "SealingKeyringReader" in api["DependsOn"]
    assert reader["Properties"]["Roles"] == [{"Ref": api["Properties"]["Role"]["Fn::GetAtt"][0]}]
    (statement,) = reader["Properties"]["PolicyDocument"]["Statement"]
    read = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": "SealingKeyring"}}
    assert statement == read
    readers = [
        name
        for name, resource in template["Resources"].items()
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::Role") and "secretsmanager:" in json.dumps(resource)
    ]
    assert readers == ["SealingKeyringReader", "OpenIdClientSecretsReader"]


def test_the_api_reads_each_openid_client_secret_by_its_arn_and_nothing_else(template):
    api = resources_of_type(template, "AWS::Serverless::Function")["APIHandler"]
    variables = api["Properties"]["Environment"]["Variables"]
    for name, prefix in (("FranceConnect", "FRANCECONNECT"), ("ProConnect", "PROCONNECT")):
        assert variables[f"{prefix}_ISSUER"] == {"Ref": f"{name}Issuer"}
        assert variables[f"{prefix}_CLIENT_ID"] == {"Ref": f"{name}ClientId"}
        assert variables[f"{prefix}_CLIENT_SECRET_NAME"] == {"Ref": f"{name}ClientSecretArn"}
        assert f"{prefix}_CLIENT_SECRET" not in variables  # the value is read at run time, never set
        assert template["Parameters"][f"{name}Issuer"]["Default"].startswith("https://")
    reader = template["Resources"]["OpenIdClientSecretsReader"]
    assert reader["Properties"]["Roles"] == [{"Ref": api["Properties"]["Role"]["Fn::GetAtt"][0]}]
    (statement,) = reader["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert statement["Resource"] == [{"Ref": "FranceConnectClientSecretArn"}, {"Ref": "ProConnectClientSecretArn"}]
    assert "OpenIdClientSecretsReader" in api["DependsOn"]


def test_the_lambda_package_ships_the_pinned_cryptography(template):
    import zipfile

    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    pinned = next(line for line in requirements if line.startswith("cryptography=="))
    with zipfile.ZipFile(ROOT / "build" / "deployment.zip") as package:
        names = package.namelist()
    version = pinned.split("==")[1]
    assert f"cryptography-{version}.dist-info/METADATA" in names
    assert any(name.startswith("cryptography/hazmat/bindings/_rust") and name.endswith(".so") for name in names)


# Contract §11: capacity, per-client limits, logs, tracing, alarms, protections ----------------------

FUNCTIONS = ("APIHandler", "CleanupExpiredRegistrations", "SplitDeclarations", "CreditChunks", "ApplyEmailFeedback")


def resources_of_type(template: dict, kind: str) -> dict:
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == kind}


def test_stage_throttles_admit_the_national_peak_of_the_capacity_model(template):
    settings = {
        (s["ResourcePath"], s["HttpMethod"]): s
        for s in template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    }
    registrations = settings[("/~1inscriptions~1{draft_id}~1identite", "PUT")]
    assert registrations["ThrottlingRateLimit"] >= 1000
    assert settings[("/~1sessions", "POST")]["ThrottlingRateLimit"] >= 3000
    # Holder reads (GET /titulaire...) are throttled by the stage's default only.
    assert settings[("/*", "*")]["ThrottlingRateLimit"] >= 10_000
    assert not [path for path, method in settings if path.startswith("/~1titulaire")]
    for (path, method), limits in settings.items():  # the next step of a registration is never the narrower
        if path.startswith("/~1inscriptions") or path in ("/~1activations", "/~1captchas"):
            assert limits["ThrottlingRateLimit"] >= 1000, (path, method)


def test_crediting_and_the_cleanup_have_reserved_concurrency_and_the_api_the_rest(template):
    from chalicelib import crediting

    functions = {name: template["Resources"][name]["Properties"] for name in FUNCTIONS}
    reserved = {name: properties.get("ReservedConcurrentExecutions") for name, properties in functions.items()}
    assert reserved["APIHandler"] is None  # the account's unreserved pool: everything the others leave
    assert reserved["CreditChunks"] >= crediting.MAX_CONCURRENCY  # what its queue's mapping may run at once
    assert reserved["SplitDeclarations"] and reserved["CleanupExpiredRegistrations"] == 1
    assert sum(value for value in reserved.values() if value) <= 20
    assert template["Resources"]["Table"]["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


def test_every_function_logs_json_to_a_log_group_kept_365_days_and_is_traced(template):
    groups = resources_of_type(template, "AWS::Logs::LogGroup")
    named = {json.dumps(group["Properties"]["LogGroupName"]): group for group in groups.values()}
    functions = resources_of_type(template, "AWS::Serverless::Function")
    assert set(FUNCTIONS) <= set(functions)
    for name, function in functions.items():
        properties = function["Properties"]
        assert properties["LoggingConfig"]["LogFormat"] == "JSON", name
        assert properties["Tracing"] == "Active", name
        group = named[json.dumps({"Fn::Sub": f"/aws/lambda/${{{name}}}"})]  # the function's own group
        assert group["Properties"]["RetentionInDays"] == 365, name
    assert all(group["Properties"]["RetentionInDays"] == 365 for group in groups.values())


def test_the_api_stage_is_traced_and_writes_json_access_logs_without_query_string_or_body(template):
    api = template["Resources"]["RestAPI"]["Properties"]
    assert api["TracingEnabled"] is True
    access = api["AccessLogSetting"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert template["Resources"]["ApiAccessLogs"]["Properties"]["RetentionInDays"] == 365
    fields = json.loads(access["Format"])  # JSON: one object per request
    assert fields["requestId"] == "$context.requestId" and fields["route"] == "$context.resourcePath"
    variables = " ".join(fields.values())
    for leak in ("$context.path", "querystring", "$input", "requestOverride", "$context.identity.sourceIp"):
        assert leak.lower() not in variables.lower(), leak


def test_the_table_cannot_be_deleted(template):
    table = template["Resources"]["Table"]
    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"


def test_every_alarm_of_the_contract_goes_to_one_topic_with_an_email_parameter(template):
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    # The alarms' topic: the other one carries SES's delivery feedback (contract §10) to its function.
    (topic_name,) = {action["Ref"] for alarm in alarms.values() for action in alarm["Properties"]["AlarmActions"]}
    assert set(resources_of_type(template, "AWS::SNS::Topic")) == {topic_name, "EmailFeedbackTopic"}
    (subscription,) = template["Resources"][topic_name]["Properties"]["Subscription"]
    assert subscription == {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
    assert "Default" not in template["Parameters"]["AlarmEmail"]
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_name}], name

    def metric(alarm_name: str) -> tuple:
        properties = alarms[alarm_name]["Properties"]
        return (
            properties.get("Namespace"),
            properties.get("MetricName"),
            properties["ComparisonOperator"],
            properties["Threshold"],
        )

    api5xx = alarms["Api5xxAlarm"]["Properties"]
    assert metric("Api5xxAlarm") == ("AWS/ApiGateway", "5XXError", "GreaterThanThreshold", 0.01)
    assert api5xx["Statistic"] == "Average" and api5xx["Period"] * api5xx["DatapointsToAlarm"] == 300
    for function in FUNCTIONS:
        for kind in ("Errors", "Throttles"):
            properties = alarms[f"{function}{kind}Alarm"]["Properties"]
            assert (properties["MetricName"], properties["Dimensions"]) == (
                kind,
                [{"Name": "FunctionName", "Value": {"Ref": function}}],
            )
    dead_letters = alarms["CreditDeadLetterAlarm"]["Properties"]
    assert dead_letters["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead_letters["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["CreditDeadLetterQueue", "QueueName"]}
    math = {
        name: [
            m["MetricStat"]["Metric"]["MetricName"] for m in alarms[name]["Properties"]["Metrics"] if "MetricStat" in m
        ]
        for name in ("TableThrottlesAlarm", "TableSystemErrorsAlarm")
    }
    assert {"ReadThrottleEvents", "WriteThrottleEvents"} == set(math["TableThrottlesAlarm"])
    assert set(math["TableSystemErrorsAlarm"]) == {"SystemErrors"}
    assert metric("SesBounceRateAlarm") == ("AWS/SES", "Reputation.BounceRate", "GreaterThanThreshold", 0.02)
    assert metric("SesComplaintRateAlarm") == ("AWS/SES", "Reputation.ComplaintRate", "GreaterThanThreshold", 0.0005)
    cleanup = alarms["CleanupSilentAlarm"]["Properties"]
    assert metric("CleanupSilentAlarm") == ("MonCompteFormation", "CleanupRuns", "LessThanThreshold", 1)
    assert cleanup["Period"] * cleanup["EvaluationPeriods"] == 7200 and cleanup["TreatMissingData"] == "breaching"
    assert metric("CreditChunkFailuresAlarm")[:2] == ("MonCompteFormation", "CreditChunksFailed")


def test_each_alarm_has_its_runbook_section(template):
    import re

    runbook = (ROOT / "docs" / "operations.md").read_text()
    sections = set(re.findall(r"^### `([<>\w]+)`", runbook, flags=re.MULTILINE))
    alarms = set(resources_of_type(template, "AWS::CloudWatch::Alarm"))
    per_function = {name for name in alarms if name.endswith(("ErrorsAlarm", "ThrottlesAlarm"))}
    assert alarms - per_function <= sections, (alarms - per_function) - sections
    assert {"<Function>ErrorsAlarm", "<Function>ThrottlesAlarm"} <= sections  # one section for every function


def test_the_dashboard_shows_every_business_metric_beside_every_alarm(template):
    from chalicelib import metrics

    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    (states,) = [widget for widget in widgets if widget["type"] == "alarm"]
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    assert sorted(states["properties"]["alarms"]) == sorted("${" + name + ".Arn}" for name in alarms)
    shown = {
        series[1]
        for widget in widgets
        if widget["type"] == "metric"
        for series in widget["properties"]["metrics"]
        if series[0] == metrics.NAMESPACE
    }
    assert shown == set(metrics.ALL)


def test_the_waf_limits_each_route_of_the_contract_per_client_address_at_the_edge(template):
    import re

    waf = json.loads((ROOT / "build" / "waf.json").read_text())
    (acl,) = resources_of_type(waf, "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "CLOUDFRONT" and acl["Properties"]["DefaultAction"] == {"Allow": {}}
    rules = []
    for rule in acl["Properties"]["Rules"]:
        rate = rule["Statement"]["RateBasedStatement"]
        assert rate["AggregateKeyType"] == "IP" and rate["EvaluationWindowSec"] == 300
        refusal = rule["Action"]["Block"]["CustomResponse"]
        assert refusal["ResponseCode"] == 429 and refusal["ResponseHeaders"][0]["Name"] == "Retry-After"
        method, path = (
            s["RegexMatchStatement"]["RegexString"] for s in rate["ScopeDownStatement"]["AndStatement"]["Statements"]
        )
        rules.append((re.compile(method), re.compile(path), rate["Limit"]))

    def limit_of(method: str, path: str) -> int | None:
        found = [limit for m, p, limit in rules if m.search(method) and p.search(path)]
        return min(found) if found else None

    limited = {
        ("GET", "/captchas/abc/audio"),
        ("POST", "/captchas"),
        ("POST", "/inscriptions"),
        ("PUT", "/inscriptions/abc/identite"),
        ("PUT", "/inscriptions/abc/mot-de-passe"),
        ("POST", "/sessions"),
        ("POST", "/activations"),
        ("POST", "/activations/renvoi"),
        ("POST", "/mots-de-passe/oubli"),
        ("POST", "/mots-de-passe/reinitialisation"),
        ("POST", "/courriels/confirmation"),
    }
    for method, path in limited:
        assert limit_of(method, path) is not None and limit_of(method, path) <= 300, (method, path)
    for method, path in [("GET", "/titulaire"), ("GET", "/cgu"), ("GET", "/inscriptions/abc"), ("GET", "/")]:
        assert limit_of(method, path) is None, (method, path)  # reads and pages: not limited per client

    body = json.loads(acl["Properties"]["CustomResponseBodies"]["trop_de_requetes_client"]["Content"])
    assert body["status"] == 429 and body["code"] == "trop_de_requetes" and body["detail"]

    distribution = template["Resources"]["PortalDistribution"]["Properties"]["DistributionConfig"]
    assert distribution["WebACLId"] == {"Ref": "PortalWebAclArn"}
    assert "us-east-1" in template["Parameters"]["PortalWebAclArn"]["AllowedPattern"]


def test_only_cloudfront_reaches_the_api_so_the_limits_cannot_be_bypassed(template):
    from tools.deploy import operations_template

    distribution = template["Resources"]["PortalDistribution"]["Properties"]["DistributionConfig"]
    (api_origin,) = [origin for origin in distribution["Origins"] if "CustomOriginConfig" in origin]
    (header,) = api_origin["OriginCustomHeaders"]
    guard = template["Resources"]["ApiWebAcl"]["Properties"]
    assert guard["Scope"] == "REGIONAL" and guard["DefaultAction"] == {"Block": {}}
    (allow,) = guard["Rules"]
    match = allow["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": header["HeaderName"].lower()}}
    assert match["SearchString"] == header["HeaderValue"] == {"Fn::Sub": operations_template.ORIGIN_SECRET_VALUE}
    association = template["Resources"]["ApiWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert {"Ref": "RestAPI.Stage"} in association["ResourceArn"]["Fn::Join"][1]


def test_bounces_and_complaints_reach_the_feedback_function_through_the_configuration_set(template):
    """Contract §10: the configuration set every email names, its Bounce and Complaint events to the
    topic, SES allowed to publish there, and the function subscribed to that topic."""
    resources = template["Resources"]
    variables = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["prod"]["environment_variables"]
    assert resources["EmailConfigurationSet"]["Properties"]["Name"] == variables["SES_CONFIGURATION_SET"]
    destination = resources["EmailFeedbackDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "EmailConfigurationSet"}
    assert sorted(destination["EventDestination"]["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert destination["EventDestination"]["SnsDestination"]["TopicARN"] == {"Ref": "EmailFeedbackTopic"}
    assert resources["EmailFeedbackTopic"]["Properties"]["TopicName"] == variables["EMAIL_FEEDBACK_TOPIC"]
    statement = resources["EmailFeedbackTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"} and statement["Action"] == "sns:Publish"
    function = resources["ApplyEmailFeedback"]
    assert "EmailFeedbackTopic" in function["DependsOn"]
    (subscription,) = function["Properties"]["Events"].values()
    assert subscription["Type"] == "SNS"
    assert variables["EMAIL_FEEDBACK_TOPIC"] in json.dumps(subscription["Properties"]["Topic"])
    api_variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api_variables["SES_CONFIGURATION_SET"] == variables["SES_CONFIGURATION_SET"]


ZIP_BOUND_BYTES = 20_000_000  # 33.3 MB before: phonenumbers' full data, and every AWS service's API model


def test_the_lambda_zip_stays_under_twenty_megabytes(template):
    size = (ROOT / "build" / "deployment.zip").stat().st_size
    assert size < ZIP_BOUND_BYTES, f"{size / 1e6:.1f} MB"


def test_the_zip_runs_on_its_own_with_the_models_and_rules_the_code_uses(template, tmp_path):
    """Unpacked, with nothing of the development venv (`-I -S`: no site-packages): the app imports,
    a client of every service the code asks for is made from the zip's own API models, and the
    phone and NIR rules work with phonenumberslite (no geocoding, carrier or time-zone data), and
    the sealing module seals and opens with the zip's own cryptography."""
    import zipfile

    from tools.deploy.slim_package import services_the_code_uses

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
from datetime import UTC, datetime
from chalicelib.sealing import Purpose, Sealer
keyring = '{{"actuelle": "cle1", "cle1": "' + "k" * 64 + '"}}'
sealer = Sealer(lambda: keyring, 300, lambda: 0.0)
sealed = sealer.seal(Purpose.CAPTCHA, datetime(2026, 12, 1, tzinfo=UTC), b"AE23HJ")
assert sealer.open(Purpose.CAPTCHA, sealed.value).payload == b"AE23HJ"
import cryptography
assert cryptography.__file__.startswith({str(tmp_path)!r})
assert botocore.__file__.startswith({str(tmp_path)!r}) and app.__file__.startswith({str(tmp_path)!r})
print("ok")
"""
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert run.stdout.strip() == "ok", run.stdout + run.stderr
