"""The per-client limits: an AWS WAF web ACL of scope CLOUDFRONT, a small stack of its own that must
be deployed in us-east-1 (where CloudFront's web ACLs live), whose ARN the main stack's
distribution takes as its `PortalWebAclArn` parameter. `make package` writes it to build/waf.json.

Why CloudFront's scope rather than a regional web ACL on the API stage: the portal's CloudFront
distribution is the edge (tools/deploy/portal_template.py), so behind it API Gateway sees CloudFront's
addresses, and the client's address is only in X-Forwarded-For, whose first entry (the one WAF's
ForwardedIPConfig reads) is whatever the client wrote: a forged, new address per request would
give each request a fresh budget. A CLOUDFRONT-scope rule counts the address that opened the
connection to the edge, which cannot be forged. (That the API is reached only through CloudFront
is the main stack's regional web ACL's job: tools/deploy/operations_template.py.)

Each rule counts, per client address over 5 minutes, the requests of the routes of contract §11 that
create, send or guess; its limit is what a person legitimately needs there, times the people who
may share one address (a company's or an administration's NAT, a France Services office where an
adviser registers people one after the other, a mobile operator's carrier-grade NAT): see
docs/operations.md. Past it, that address gets a 429 problem document for the rest of the window.

`python -m tools.deploy.waf_template <stage> <output.json>`. A tool: build time only.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WINDOW_SECONDS = 300
RETRY_AFTER_SECONDS = 60
BLOCKED_BODY = "trop_de_requetes_client"
TOO_MANY = {
    "status": 429,
    "title": "Trop de requêtes",
    "detail": "Trop de demandes ont été envoyées depuis votre connexion : merci de réessayer dans quelques minutes.",
    "code": "trop_de_requetes",
}


@dataclass(frozen=True)
class RateRule:
    """`limit` requests per client address and 5 minutes on the routes `path` (a regular expression
    of the path as the viewer sends it) with a method matching `methods`."""

    name: str
    methods: str
    path: str
    limit: int
    why: str


RATE_RULES = (
    RateRule(
        "captcha-audio",
        "GET",
        r"^/captchas/[^/]+/audio$",
        100,
        "a person listens to a captcha 2 or 3 times, and asks a new one a few times: under 10 in 5 minutes",
    ),
    RateRule(
        "inscription",
        "POST|PUT",
        r"^/(inscriptions|captchas|inscriptions/[^/]+/(identite|mot-de-passe))$",
        300,
        "a registration is 1 start, a few captchas, 1 to 3 identity and password attempts: about 10 requests",
    ),
    RateRule(
        "connexion",
        "POST",
        r"^/sessions$",
        200,
        "a person logs in once or twice; five wrong passwords lock the account anyway: under 6 in 5 minutes",
    ),
    RateRule(
        "activation",
        "POST",
        r"^/activations$",
        100,
        "one activation per registration, clicked twice at most",
    ),
    RateRule(
        "envoi-de-courriel",
        "POST",
        r"^/(activations/renvoi|mots-de-passe/oubli)$",
        50,
        "a person asks again for an email once or twice; an account gets 3 an hour at most anyway",
    ),
    RateRule(
        "code-recu",
        "POST",
        r"^/(mots-de-passe/reinitialisation|courriels/confirmation)$",
        50,
        "a reset or an address confirmation is used once; a mistyped password retries it 2 or 3 times",
    ),
)


def _matches(field: dict[str, Any], pattern: str) -> dict[str, Any]:
    return {
        "RegexMatchStatement": {
            "FieldToMatch": field,
            "RegexString": pattern,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }


def rate_rule(rule: RateRule, priority: int) -> dict[str, Any]:
    return {
        "Name": rule.name,
        "Priority": priority,
        "Action": {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": 429,
                    "CustomResponseBodyKey": BLOCKED_BODY,
                    # WAF looks at an address's rate again every minute or so.
                    "ResponseHeaders": [{"Name": "Retry-After", "Value": str(RETRY_AFTER_SECONDS)}],
                }
            }
        },
        "Statement": {
            "RateBasedStatement": {
                "Limit": rule.limit,
                "EvaluationWindowSec": WINDOW_SECONDS,
                "AggregateKeyType": "IP",  # the address that connected to CloudFront
                "ScopeDownStatement": {
                    "AndStatement": {
                        "Statements": [
                            _matches({"Method": {}}, f"^({rule.methods})$"),
                            _matches({"UriPath": {}}, rule.path),
                        ]
                    }
                },
            }
        },
        "VisibilityConfig": _visibility(f"limite-{rule.name}"),
    }


def _visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def template(stage: str) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Mon Compte Formation ({stage}) : limites par client devant CloudFront (us-east-1)",
        "Rules": {
            "InUsEast1": {
                "Assertions": [
                    {
                        "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
                        "AssertDescription": "A CloudFront web ACL is created in us-east-1.",
                    }
                ]
            }
        },
        "Resources": {
            "PortalWebAcl": {
                "Type": "AWS::WAFv2::WebACL",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-limites"},
                    "Scope": "CLOUDFRONT",
                    "DefaultAction": {"Allow": {}},
                    "CustomResponseBodies": {
                        BLOCKED_BODY: {
                            "ContentType": "APPLICATION_JSON",
                            "Content": json.dumps(TOO_MANY, ensure_ascii=False),
                        }
                    },
                    "Rules": [rate_rule(rule, priority) for priority, rule in enumerate(RATE_RULES)],
                    "VisibilityConfig": _visibility("portail"),
                },
            }
        },
        "Outputs": {"PortalWebAclArn": {"Value": {"Fn::GetAtt": ["PortalWebAcl", "Arn"]}}},
    }


def main(arguments: list[str]) -> None:
    stage, output = arguments
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(template(stage), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
