"""The operations' part of the deploy template (contract §11), merged by tools/deploy/deploy_template.py:

- every function writes Lambda's JSON log format (its log group, kept 365 days, is Chalice's, from
  `log_retention_in_days`; X-Ray from `xray` in .chalice/config.json);
- the API stage traces with X-Ray and writes JSON access logs (no query string, no body: the route's
  template, never the path, which may hold a draft's id) to a log group kept 365 days;
- the table cannot be deleted (deletion protection, on top of the stack's Retain policy);
- the per-client limits of tools/deploy/waf_template.py on the CloudFront distribution (`PortalWebAclArn`),
  and a regional web ACL on the API stage that lets through only what CloudFront sends (a header
  with a generated secret), so that the limits cannot be bypassed by calling API Gateway directly;
- the alarms of contract §11, all to one SNS topic whose email subscription is `AlarmEmail`, and a
  dashboard of the business metrics (chalicelib/metrics.py) beside them.

Their runbooks are docs/operations.md, one section per alarm, titled with the alarm's name.
"""

import json
from typing import Any

from chalicelib import metrics

RETENTION_DAYS = 365
ALARM_TOPIC = "AlarmTopic"
ORIGIN_SECRET = "OriginSecret"
ORIGIN_HEADER = "X-Origine-Portail"
ORIGIN_SECRET_VALUE = "{{resolve:secretsmanager:${" + ORIGIN_SECRET + "}:SecretString}}"
# Every operation the store may make (its policy's), whose system errors the table's alarm sums.
TABLE_OPERATIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
)
# What AWS reviews a sender at: 5 % bounces, 0.1 % complaints; we are told at 2 % and 0.05 %.
SES_BOUNCE_RATE = 0.02
SES_COMPLAINT_RATE = 0.0005
API_5XX_RATE = 0.01
CLEANUP_SILENCE_HOURS = 2

# The access log: one JSON object per request, what API Gateway knows of it but its query string,
# its body and its path's values ($context.resourcePath is the route's template).
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "route": "$context.resourcePath",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "integrationStatus": "$context.integration.status",
        "errorType": "$context.error.responseType",
        "wafStatus": "$context.waf.status",
        "xrayTraceId": "$context.xrayTraceId",
    }
)


def alarm(
    description: str, metric: dict[str, Any], *, comparison: str, threshold: float, **options: Any
) -> dict[str, Any]:
    """A CloudWatch alarm to the topic (and back to OK). `metric`: MetricName, Namespace, Dimensions,
    Statistic, Period; or Metrics (metric math). `options`: EvaluationPeriods, TreatMissingData..."""
    properties = {
        "AlarmDescription": description + " Runbook: docs/operations.md.",
        "AlarmActions": [{"Ref": ALARM_TOPIC}],
        "OKActions": [{"Ref": ALARM_TOPIC}],
        "ComparisonOperator": comparison,
        "Threshold": threshold,
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
        **metric,
        **options,
    }
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def _metric(namespace: str, name: str, statistic: str, period: int, **dimensions: Any) -> dict[str, Any]:
    return {
        "Namespace": namespace,
        "MetricName": name,
        "Statistic": statistic,
        "Period": period,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }


def _sum_of(
    expression_id: str, label: str, queries: list[tuple[str, str, dict[str, Any]]], period: int
) -> dict[str, Any]:
    """Metric math: the sum of several metrics (namespace, name, dimensions), as one alarm's value."""
    series = [
        {
            "Id": f"m{index}",
            "ReturnData": False,
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": name,
                    "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
                },
                "Period": period,
                "Stat": "Sum",
            },
        }
        for index, (namespace, name, dimensions) in enumerate(queries)
    ]
    total = {"Id": expression_id, "Label": label, "Expression": "SUM(METRICS())", "ReturnData": True}
    return {"Metrics": [*series, total]}


def alarms(functions: list[str], api_name: str, api_stage: str) -> dict[str, Any]:
    """Contract §11's alarms, by logical id (each has its runbook section of that name)."""
    table = {"Ref": "Table"}
    found = {
        "Api5xxAlarm": alarm(
            "More than 1 % of the API's answers are 5XX, 5 minutes running.",
            _metric("AWS/ApiGateway", "5XXError", "Average", 60, ApiName=api_name, Stage=api_stage),
            comparison="GreaterThanThreshold",
            threshold=API_5XX_RATE,
            EvaluationPeriods=5,
            DatapointsToAlarm=5,
        ),
        "CreditDeadLetterAlarm": alarm(
            "A crediting chunk or file is in the dead-letter queue (it failed all its attempts).",
            _metric(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "Maximum",
                300,
                QueueName={"Fn::GetAtt": ["CreditDeadLetterQueue", "QueueName"]},
            ),
            comparison="GreaterThanThreshold",
            threshold=0,
        ),
        "CreditChunkFailuresAlarm": alarm(
            "A crediting chunk failed (it goes back to the queue, then to the dead-letter queue).",
            _metric(metrics.NAMESPACE, metrics.CREDIT_CHUNKS_FAILED, "Sum", 300),
            comparison="GreaterThanThreshold",
            threshold=0,
        ),
        "TableThrottlesAlarm": alarm(
            "DynamoDB throttled requests of the table or its index.",
            _sum_of(
                "throttles",
                "Throttle events",
                [
                    ("AWS/DynamoDB", name, {"TableName": table, **index})
                    for name in ("ReadThrottleEvents", "WriteThrottleEvents")
                    for index in ({}, {"GlobalSecondaryIndexName": "expiration"})
                ],
                60,
            ),
            comparison="GreaterThanThreshold",
            threshold=0,
        ),
        "TableSystemErrorsAlarm": alarm(
            "DynamoDB answered the table's requests with system errors (HTTP 500).",
            _sum_of(
                "errors",
                "System errors",
                [("AWS/DynamoDB", "SystemErrors", {"TableName": table, "Operation": op}) for op in TABLE_OPERATIONS],
                60,
            ),
            comparison="GreaterThanThreshold",
            threshold=0,
        ),
        "SesBounceRateAlarm": alarm(
            "SES bounce rate over 2 % (AWS reviews the account from 5 %).",
            _metric("AWS/SES", "Reputation.BounceRate", "Maximum", 900),
            comparison="GreaterThanThreshold",
            threshold=SES_BOUNCE_RATE,
        ),
        "SesComplaintRateAlarm": alarm(
            "SES complaint rate over 0.05 % (AWS reviews the account from 0.1 %).",
            _metric("AWS/SES", "Reputation.ComplaintRate", "Maximum", 900),
            comparison="GreaterThanThreshold",
            threshold=SES_COMPLAINT_RATE,
        ),
        "CleanupSilentAlarm": alarm(
            "The hourly cleanup of expired registrations has not run for 2 hours.",
            _metric(metrics.NAMESPACE, metrics.CLEANUP_RUNS, "Sum", 3600),
            comparison="LessThanThreshold",
            threshold=1,
            EvaluationPeriods=CLEANUP_SILENCE_HOURS,
            DatapointsToAlarm=CLEANUP_SILENCE_HOURS,
            TreatMissingData="breaching",  # no data is exactly what this alarm is for
        ),
    }
    for function in functions:
        for name in ("Errors", "Throttles"):
            found[f"{function}{name}Alarm"] = alarm(
                f"The function {function} had {name.lower()}.",
                _metric("AWS/Lambda", name, "Sum", 300, FunctionName={"Ref": function}),
                comparison="GreaterThanThreshold",
                threshold=0,
            )
    return found


def dashboard(alarm_ids: list[str], api_name: str, api_stage: str) -> dict[str, Any]:
    """The business metrics (chalicelib/metrics.py) beside the alarms' states."""

    def graph(title: str, series: list[list[Any]], x: int, y: int) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "${AWS::Region}",
                "stat": "Sum",
                "period": 300,
                "view": "timeSeries",
                "metrics": series,
            },
        }

    def ours(*names: str) -> list[list[Any]]:
        return [[metrics.NAMESPACE, name] for name in names]

    def by_kind(name: str) -> list[list[Any]]:
        return [[metrics.NAMESPACE, name, "kind", kind] for kind in metrics.EMAIL_KINDS]

    widgets = [
        {
            "type": "alarm",
            "x": 0,
            "y": 0,
            "width": 24,
            "height": 6,
            "properties": {"title": "Alarmes", "alarms": ["${" + alarm_id + ".Arn}" for alarm_id in alarm_ids]},
        },
        graph(
            "Inscriptions",
            ours(metrics.REGISTRATIONS_STARTED, metrics.REGISTRATIONS_RECORDED, metrics.ACTIVATIONS),
            0,
            6,
        ),
        graph("Connexions", ours(metrics.LOGINS_ACCEPTED, metrics.LOGINS_REFUSED, metrics.LOGINS_LOCKED), 12, 6),
        graph("Courriels envoyés, par type", by_kind(metrics.EMAILS_SENT), 0, 12),
        graph("Courriels refusés par SES, par type", by_kind(metrics.EMAILS_REFUSED), 12, 12),
        graph(
            "Rebonds et plaintes, par type", by_kind(metrics.EMAIL_BOUNCES) + by_kind(metrics.EMAIL_COMPLAINTS), 0, 18
        ),
        graph(
            "Lignes de déclarations",
            ours(
                metrics.DECLARATION_LINES_CREDITED,
                metrics.DECLARATION_LINES_UNCHANGED,
                metrics.DECLARATION_LINES_REGULARISED,
                metrics.DECLARATION_LINES_REJECTED,
                metrics.CREDIT_CHUNKS_FAILED,
            ),
            12,
            18,
        ),
        graph("Nettoyage des inscriptions expirées", ours(metrics.REGISTRATIONS_REMOVED, metrics.CLEANUP_RUNS), 0, 24),
        graph(
            "API : requêtes et erreurs",
            [
                ["AWS/ApiGateway", name, "ApiName", api_name, "Stage", api_stage]
                for name in ("Count", "4XXError", "5XXError")
            ],
            12,
            24,
        ),
    ]
    body = json.dumps({"widgets": widgets}, ensure_ascii=False)
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {"DashboardName": {"Fn::Sub": "${AWS::StackName}"}, "DashboardBody": {"Fn::Sub": body}},
    }


def origin_guard(api_resource: str) -> dict[str, Any]:
    """The API answers only what CloudFront forwards: CloudFront adds a header whose value is a
    generated secret, and a regional web ACL on the stage blocks whatever lacks it."""
    return {
        ORIGIN_SECRET: {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": f"The value of {ORIGIN_HEADER}, which CloudFront adds and the API's web ACL requires.",
                "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True},
            },
        },
        "ApiWebAcl": {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-origine"},
                "Scope": "REGIONAL",
                "DefaultAction": {"Block": {}},
                "Rules": [
                    {
                        "Name": "par-cloudfront",
                        "Priority": 0,
                        "Action": {"Allow": {}},
                        "Statement": {
                            "ByteMatchStatement": {
                                "FieldToMatch": {"SingleHeader": {"Name": ORIGIN_HEADER.lower()}},
                                "PositionalConstraint": "EXACTLY",
                                "SearchString": {"Fn::Sub": ORIGIN_SECRET_VALUE},
                                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                            }
                        },
                        "VisibilityConfig": _visibility("par-cloudfront"),
                    }
                ],
                "VisibilityConfig": _visibility("api-origine"),
            },
        },
        "ApiWebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Properties": {
                # `RestAPI.Stage`: SAM's reference to the stage it makes, which also orders the two.
                "ResourceArn": {
                    "Fn::Join": [
                        "",
                        [
                            {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"},
                            {"Ref": api_resource},
                            "/stages/",
                            {"Ref": f"{api_resource}.Stage"},
                        ],
                    ]
                },
                "WebACLArn": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]},
            },
        },
    }


def _visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def parameters() -> dict[str, Any]:
    return {
        "AlarmEmail": {
            "Type": "String",
            "AllowedPattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
            "Description": "Where the alarms are sent (the SNS subscription asks this address to confirm).",
        },
        "PortalWebAclArn": {
            "Type": "String",
            "AllowedPattern": r"^arn:aws:wafv2:us-east-1:\d{12}:global/webacl/.+$",
            "Description": "The per-client limits' web ACL: the PortalWebAclArn output of build/waf.json's stack.",
        },
    }


def resources(functions: list[str], api_resource: str, api_name: str, api_stage: str) -> dict[str, Any]:
    """The resources above (alarms, topic, dashboard, access log group, origin guard)."""
    found_alarms = alarms(functions, api_name, api_stage)
    return {
        ALARM_TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "DisplayName": "Mon Compte Formation - alertes",
                "Subscription": [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}],
            },
        },
        **found_alarms,
        "Dashboard": dashboard(sorted(found_alarms), api_name, api_stage),
        "ApiAccessLogs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": {"Fn::Sub": "/aws/apigateway/${AWS::StackName}-acces"},
                "RetentionInDays": RETENTION_DAYS,
            },
        },
        **origin_guard(api_resource),
    }


def api_properties() -> dict[str, Any]:
    """What the API stage adds: X-Ray, and the JSON access log."""
    return {
        "TracingEnabled": True,
        "AccessLogSetting": {
            "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
            "Format": ACCESS_LOG_FORMAT,
        },
    }


def function_properties() -> dict[str, Any]:
    """What every function adds: Lambda's JSON log format (chalicelib/logs.py writes for it)."""
    return {"LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN"}}


def guard_distribution(distribution_config: dict[str, Any], api_origin: str) -> None:
    """The distribution uses the per-client limits and sends the secret header to the API."""
    distribution_config["WebACLId"] = {"Ref": "PortalWebAclArn"}
    for origin in distribution_config["Origins"]:
        if origin["Id"] == api_origin:
            origin["OriginCustomHeaders"] = [
                {"HeaderName": ORIGIN_HEADER, "HeaderValue": {"Fn::Sub": ORIGIN_SECRET_VALUE}}
            ]
