"""The CloudFormation fragment that `make package` merges into Chalice's template for a stage.

`python -m tools.deploy.deploy_template <stage> <output.json>` writes: the table from chalicelib/table.py,
the sender as a parameter the functions read, API Gateway throttling from the stage's
`api_gateway_throttling` in .chalice/config.json (a default for the stage, tighter limits for the
public routes that create, send or guess); the portal: its pages' bucket and the CloudFront
distribution that serves them with the API on one origin (tools/deploy/portal_template.py); and for
crediting the declarations bucket, the chunk queue, its dead-letter queue, and what Chalice cannot
say of the two crediting functions (partial batch responses, where failed S3 invocations go); and
the operations of contract §11 (tools/deploy/operations_template.py: JSON logs, tracing, access logs,
deletion protection, the WAF's guard, alarms and dashboard; docs/operations.md). A tool: run at
build time only, never shipped in the Lambda.

The table needs nothing new for crediting: its items (rights, years, movements, file bookkeeping)
are more `pk`/`sk` items of the same table, outside the expiry index.
"""

import json
import sys
from pathlib import Path
from typing import Any

from chalicelib import crediting, sealing
from chalicelib.table import cloudformation_resources
from tools.deploy import operations_template, portal_template
from tools.deploy.template_parts import private_bucket
from tools.local import rotate_keys

CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"
APP_NAME = "mon-compte-formation"
CHALICE_FUNCTIONS = ("APIHandler", "CleanupExpiredRegistrations", "ApplyEmailFeedback")
CHALICE_API = "RestAPI"
SEALING_KEYRING = "SealingKeyring"
SEALING_KEYRING_READER = "SealingKeyringReader"
OPENID_SECRETS_READER = "OpenIdClientSecretsReader"
# The State's two OpenID federations (contract §14 and §16): the issuer, the client id the partner
# portal gave, and the ARN of the Secrets Manager secret in which the operator keeps its client
# secret (docs/deploy.md). The app reads the secret at run time; the template never holds it.
OPENID_PROVIDERS = {
    "FranceConnect": ("FRANCECONNECT", "https://oidc.franceconnect.gouv.fr/api/v2"),
    "ProConnect": ("PROCONNECT", "https://auth.proconnect.gouv.fr/api/v2"),
}
API_ROLE = "ApiHandlerRole"  # Chalice's name for the API function's role
# Chalice's names for the crediting functions and the SQS subscription it writes for the second.
SPLIT_FUNCTION = "SplitDeclarations"
CHUNK_FUNCTION = "CreditChunks"
CHUNK_EVENT = "CreditChunksSqsEventSource"
# Chalice's name for the email feedback function (its SNS subscription is Chalice's own).
FEEDBACK_FUNCTION = "ApplyEmailFeedback"
# Superseded versions of a declaration file (a file deposited again under its name) are kept this long.
NONCURRENT_VERSION_DAYS = 30


def method_settings(throttling: dict[str, Any]) -> list[dict[str, Any]]:
    """API Gateway's MethodSettings: the stage default on "/*", then each listed route."""
    default = throttling["default"]
    settings = [_throttle("/*", "*", default)]
    for route, limits in throttling.get("routes", {}).items():
        method, path = route.split(" ", 1)
        settings.append(_throttle("/" + path.replace("/", "~1"), method, limits))  # "/~1a~1b": API Gateway's escaping
    return settings


def _throttle(resource_path: str, method: str, limits: dict[str, Any]) -> dict[str, Any]:
    return {
        "ResourcePath": resource_path,
        "HttpMethod": method,
        "ThrottlingRateLimit": limits["rate"],
        "ThrottlingBurstLimit": limits["burst"],
    }


UNAVAILABLE = "Le service est momentanément indisponible : merci de réessayer dans quelques instants."

# What API Gateway itself answers, before the app runs, as problem documents like the app's own
# (a path that matches no route is a 404 for our clients, not API Gateway's 403).
GATEWAY_PROBLEMS = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "ressource_introuvable", "Cette adresse ne correspond à aucun service."),
    "THROTTLED": (
        429,
        "trop_de_requetes",
        "Le service reçoit trop de demandes : merci de réessayer dans quelques instants.",
    ),
    "WAF_FILTERED": (403, "acces_refuse", "Cette requête a été refusée par les protections du service."),
    "REQUEST_TOO_LARGE": (413, "corps_trop_volumineux", "Le corps de la requête ne doit pas dépasser 16 Kio."),
    "UNSUPPORTED_MEDIA_TYPE": (
        415,
        "type_contenu_non_pris_en_charge",
        "Le corps de la requête doit être envoyé en JSON (application/json).",
    ),
    "INTEGRATION_FAILURE": (502, "service_indisponible", UNAVAILABLE),
    "INTEGRATION_TIMEOUT": (504, "service_indisponible", UNAVAILABLE),
}


def gateway_responses() -> dict[str, Any]:
    from chalicelib.api.problems import PROBLEM_TYPE, TITLES

    return {
        kind: {
            "StatusCode": str(status),
            "ResponseParameters": {"Headers": {"Content-Type": f"'{PROBLEM_TYPE}'", "Cache-Control": "'no-store'"}},
            "ResponseTemplates": {
                "application/json": json.dumps(
                    {"status": status, "title": TITLES[status], "detail": detail, "code": code}, ensure_ascii=False
                )
            },
        }
        for kind, (status, code, detail) in GATEWAY_PROBLEMS.items()
    }


def crediting_resources(variables: dict[str, Any]) -> dict[str, Any]:
    """The bucket (private, encrypted, versioned, TLS only), the queue and its dead-letter queue, and
    the crediting functions' additions: failed chunks reported one by one (partial batch response),
    failed S3 invocations kept in the dead-letter queue after Lambda's own two retries."""
    queue = variables["CREDIT_QUEUE"]
    dead_letters_arn = {"Fn::GetAtt": ["CreditDeadLetterQueue", "Arn"]}
    return {
        "DeclarationsBucket": private_bucket(
            old_versions_rule="versions-remplacees",
            old_versions_days=NONCURRENT_VERSION_DAYS,
            BucketName=variables["DECLARATIONS_BUCKET"],
        ),
        "DeclarationsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "DeclarationsBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [
                                {"Fn::GetAtt": ["DeclarationsBucket", "Arn"]},
                                {"Fn::Sub": "${DeclarationsBucket.Arn}/*"},
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
        "CreditDeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": queue + crediting.DEAD_LETTER_SUFFIX,
                "MessageRetentionPeriod": crediting.DEAD_LETTER_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
            },
        },
        "CreditQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": queue,
                "VisibilityTimeout": crediting.QUEUE_VISIBILITY_SECONDS,
                "RedrivePolicy": {"deadLetterTargetArn": dead_letters_arn, "maxReceiveCount": crediting.MAX_RECEIVES},
                "SqsManagedSseEnabled": True,
            },
        },
        SPLIT_FUNCTION: {
            "Properties": {
                "EventInvokeConfig": {
                    "MaximumRetryAttempts": 2,
                    "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": dead_letters_arn}},
                }
            }
        },
        # Chalice names the queue by its ARN: the mapping must wait for the queue.
        CHUNK_FUNCTION: {
            "DependsOn": ["CreditQueue"],
            "Properties": {
                "Events": {CHUNK_EVENT: {"Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}}}
            },
        },
    }


def email_feedback_resources(variables: dict[str, Any]) -> dict[str, Any]:
    """SES's delivery feedback (contract §10): the configuration set every email is sent with, its
    event destination (Bounce and Complaint events) to the topic, the topic and the policy that lets
    SES publish to it from this account only. Chalice writes the function's subscription to the
    topic (by name), which must therefore exist first."""
    topic = variables["EMAIL_FEEDBACK_TOPIC"]
    return {
        "EmailFeedbackTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic}},
        "EmailFeedbackTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": "EmailFeedbackTopic"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "SesPublishes",
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": "EmailFeedbackTopic"},
                            "Condition": {"StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}},
                        }
                    ],
                },
            },
        },
        "EmailConfigurationSet": {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {"Name": variables["SES_CONFIGURATION_SET"]},
        },
        "EmailFeedbackDestination": {
            "Type": "AWS::SES::ConfigurationSetEventDestination",
            "DependsOn": ["EmailFeedbackTopicPolicy"],
            "Properties": {
                "ConfigurationSetName": {"Ref": "EmailConfigurationSet"},
                "EventDestination": {
                    "Name": "retours-vers-sns",
                    "Enabled": True,
                    "MatchingEventTypes": ["bounce", "complaint"],
                    "SnsDestination": {"TopicARN": {"Ref": "EmailFeedbackTopic"}},
                },
            },
        },
        FEEDBACK_FUNCTION: {"DependsOn": ["EmailFeedbackTopic"]},
    }


def sealing_keyring_resources(stage: str) -> dict[str, Any]:
    """The keyring of chalicelib/sealing.py, generated once by Secrets Manager in the format the app
    reads (`{"actuelle": "cle1", "cle1": "<64 letters and digits>"}`; tools/local/rotate_keys.py rotates it),
    and the API's right to read that secret alone. The functions get its ARN, never its value."""
    return {
        SEALING_KEYRING: {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Name": f"{APP_NAME}-{stage}/cles-de-scellement",
                "Description": "The keys that seal the captchas and registration drafts of Mon Compte Formation.",
                "GenerateSecretString": {
                    "SecretStringTemplate": json.dumps({sealing.CURRENT: rotate_keys.FIRST_KEY_ID}),
                    "GenerateStringKey": rotate_keys.FIRST_KEY_ID,
                    "PasswordLength": rotate_keys.SECRET_LENGTH,
                    "ExcludePunctuation": True,
                },
            },
        },
        SEALING_KEYRING_READER: {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "lecture-des-cles-de-scellement",
                "Roles": [{"Ref": API_ROLE}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": {"Ref": SEALING_KEYRING},
                        }
                    ],
                },
            },
        },
    }


def openid_parameters() -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for name, (_, issuer) in OPENID_PROVIDERS.items():
        parameters[f"{name}Issuer"] = {
            "Type": "String",
            "Default": issuer,
            "AllowedPattern": "^https://[^\\s?#]+[^/\\s?#]$",
            "Description": f"The {name} issuer (https, no trailing slash).",
        }
        parameters[f"{name}ClientId"] = {
            "Type": "String",
            "MinLength": 1,
            "Description": f"The client id {name}'s partner portal gave this service.",
        }
        parameters[f"{name}ClientSecretArn"] = {
            "Type": "String",
            "AllowedPattern": "^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$",
            "Description": f"The ARN of the Secrets Manager secret holding {name}'s client secret (its value alone).",
        }
    return parameters


def openid_resources(api_variables: dict[str, Any]) -> dict[str, Any]:
    """The API's settings for each OpenID provider, and its right to read their two client secrets alone."""
    arns = []
    for name, (prefix, _) in OPENID_PROVIDERS.items():
        api_variables[f"{prefix}_ISSUER"] = {"Ref": f"{name}Issuer"}
        api_variables[f"{prefix}_CLIENT_ID"] = {"Ref": f"{name}ClientId"}
        api_variables[f"{prefix}_CLIENT_SECRET_NAME"] = {"Ref": f"{name}ClientSecretArn"}  # the ARN, never the value
        arns.append({"Ref": f"{name}ClientSecretArn"})
    statement = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arns}
    return {
        OPENID_SECRETS_READER: {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "lecture-des-secrets-openid",
                "Roles": [{"Ref": API_ROLE}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            },
        }
    }


def fragment_for_stage(stage: str) -> dict[str, Any]:
    settings = json.loads(CONFIG.read_text())["stages"][stage]
    variables = settings["environment_variables"]
    fragment = cloudformation_resources(variables["TABLE_NAME"], variables["SENDER_EMAIL"])
    # The functions (as Chalice names them) send from the template's parameter, not a fixed address.
    for function in CHALICE_FUNCTIONS:
        fragment["Resources"][function] = {
            "Properties": {"Environment": {"Variables": {"SENDER_EMAIL": {"Ref": "SenderEmail"}}}}
        }
    fragment["Resources"].update(sealing_keyring_resources(stage))
    api_variables = fragment["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    api_variables["SEALING_KEYRING_SECRET"] = {"Ref": SEALING_KEYRING}  # the secret's ARN, never its value
    fragment["Resources"].update(openid_resources(api_variables))
    fragment["Resources"]["APIHandler"]["DependsOn"] = [SEALING_KEYRING_READER, OPENID_SECRETS_READER]
    # REGIONAL: the portal's CloudFront distribution is the API's edge; an EDGE API would put a
    # second, hidden distribution behind it.
    api: dict[str, Any] = {"GatewayResponses": gateway_responses(), "EndpointConfiguration": "REGIONAL"}
    if "api_gateway_throttling" in settings:
        api["MethodSettings"] = method_settings(settings["api_gateway_throttling"])
    api_name = f"{APP_NAME}-{stage}"
    api.update({"Name": api_name, **operations_template.api_properties()})
    fragment["Resources"][CHALICE_API] = {"Properties": api}
    for section, entries in portal_template.resources(settings, CHALICE_API).items():
        fragment.setdefault(section, {}).update(entries)
    fragment["Resources"].update(crediting_resources(variables))
    feedback = email_feedback_resources(variables)
    feedback[FEEDBACK_FUNCTION] = {**fragment["Resources"][FEEDBACK_FUNCTION], **feedback[FEEDBACK_FUNCTION]}
    fragment["Resources"].update(feedback)
    add_operations(fragment, api_name, settings["api_gateway_stage"])
    fragment["Outputs"].update(
        {
            "DeclarationsBucketName": {"Value": {"Ref": "DeclarationsBucket"}},
            "CreditQueueUrl": {"Value": {"Ref": "CreditQueue"}},
            "CreditDeadLetterQueueUrl": {"Value": {"Ref": "CreditDeadLetterQueue"}},
            "EmailFeedbackTopicArn": {"Value": {"Ref": "EmailFeedbackTopic"}},
        }
    )
    return fragment


def function_resources() -> list[str]:
    """Every function Chalice will package, by its template name: the API's, and one per handler
    that is not a route (schedule, S3, SQS, and any added later, which thus gets its alarms)."""
    from chalice.utils import to_cfn_resource_name

    from app import app

    views = {entry.view_name for methods in app.routes.values() for entry in methods.values()}
    return ["APIHandler"] + [to_cfn_resource_name(name) for name in app.handler_map if name not in views]


def add_operations(fragment: dict[str, Any], api_name: str, api_stage: str) -> None:
    """Contract §11 (tools/deploy/operations_template.py): JSON logs, alarms, dashboard, protections."""
    resources = fragment["Resources"]
    functions = function_resources()
    for function in functions:
        properties = resources.setdefault(function, {}).setdefault("Properties", {})
        properties.update(operations_template.function_properties())
    # Chalice names the API function's log group ApiHandlerLogGroup and has it name `${ApiHandler}`,
    # which is no resource: the function is APIHandler.
    resources["ApiHandlerLogGroup"] = {"Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${APIHandler}"}}}
    resources["Table"]["Properties"]["DeletionProtectionEnabled"] = True
    operations_template.guard_distribution(
        resources["PortalDistribution"]["Properties"]["DistributionConfig"], portal_template.API_ORIGIN
    )
    resources.update(operations_template.resources(functions, CHALICE_API, api_name, api_stage))
    fragment["Parameters"].update(operations_template.parameters())
    fragment["Parameters"].update(openid_parameters())


def main(arguments: list[str]) -> None:
    stage, output = arguments
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(fragment_for_stage(stage), indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
