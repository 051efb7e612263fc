"""The portal's part of the deploy template: the pages in a private S3 bucket behind CloudFront, and
the API's paths routed by the same distribution to API Gateway, so that pages and API share one
origin in production as they do locally (tools/local/front_server.py). Which paths are the API's, which are
pages, and the pages' security headers all come from tools/portal.py, shared with the local front.

Merged by tools/deploy/deploy_template.py into Chalice's SAM template (`make package`).
"""

from typing import Any
from urllib.parse import urlsplit

from tools import portal
from tools.deploy.template_parts import private_bucket

# AWS managed policies (their ids are fixed and documented by CloudFront).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # the pages: cached, compressed
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # the API: never cached
# Every viewer header, query string and cookie but Host (API Gateway answers its own host name only).
# With caching disabled it forwards Authorization too.
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

DISTRIBUTION_ARN = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${PortalDistribution}"
PAGES_ORIGIN = "pages"
API_ORIGIN = "api"
API_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]

# Headers CloudFront sets through dedicated fields of a response headers policy; the others of
# portal.SECURITY_HEADERS go in its custom headers.
_FRAME_OPTIONS = {"DENY", "SAMEORIGIN"}


def security_headers_config() -> dict[str, Any]:
    headers = dict(portal.SECURITY_HEADERS)
    config = {
        "ContentSecurityPolicy": {"ContentSecurityPolicy": headers.pop("Content-Security-Policy"), "Override": True},
        "ContentTypeOptions": {"Override": True},  # always "nosniff"
        "ReferrerPolicy": {"ReferrerPolicy": headers.pop("Referrer-Policy"), "Override": True},
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": portal.STRICT_TRANSPORT_SECURITY_SECONDS,
            "IncludeSubdomains": True,
            "Override": True,
        },
    }
    frame_option = headers.pop("X-Frame-Options")
    if headers.pop("X-Content-Type-Options") != "nosniff" or frame_option not in _FRAME_OPTIONS:
        raise ValueError("CloudFront sets X-Content-Type-Options nosniff and X-Frame-Options DENY or SAMEORIGIN only")
    config["FrameOptions"] = {"FrameOption": frame_option, "Override": True}
    custom = [{"Header": name, "Value": value, "Override": True} for name, value in headers.items()]
    return {"SecurityHeadersConfig": config, "CustomHeadersConfig": {"Items": custom}}


def api_cache_behaviors(prefixes: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """One behaviour per API path pattern: to API Gateway, every method, nothing cached, every
    header but Host forwarded (the Authorization bearer token included), HTTPS only."""
    return [
        {
            "PathPattern": pattern,
            "TargetOriginId": API_ORIGIN,
            "ViewerProtocolPolicy": "https-only",  # a redirect would turn a POST into a GET
            "AllowedMethods": API_METHODS,
            "CachedMethods": ["GET", "HEAD"],
            "CachePolicyId": CACHING_DISABLED,
            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
            "Compress": True,
        }
        for pattern in portal.cloudfront_path_patterns(prefixes)
    ]


def page_under_api_behaviors() -> list[dict[str, Any]]:
    """One behaviour per page under the API (portal.PAGES_UNDER_API), before the API's: the API's
    settings, with the pages' security headers and the function that sends a GET or HEAD to the
    pages' bucket (index.html) and every other method on to API Gateway."""
    return [
        {
            "PathPattern": path,
            "TargetOriginId": API_ORIGIN,
            "ViewerProtocolPolicy": "https-only",
            "AllowedMethods": API_METHODS,
            "CachedMethods": ["GET", "HEAD"],
            "CachePolicyId": CACHING_DISABLED,
            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
            "Compress": True,
            "ResponseHeadersPolicyId": {"Ref": "PortalSecurityHeaders"},
            "FunctionAssociations": [
                {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["PortalPageUnderApi", "FunctionARN"]}}
            ],
        }
        for path in portal.PAGES_UNDER_API
    ]


def resources(stage_settings: dict[str, Any], api_resource: str) -> dict[str, Any]:
    """Parameters, conditions, resources and outputs of the portal for a stage of .chalice/config.json."""
    public_host = urlsplit(stage_settings["environment_variables"]["PUBLIC_BASE_URL"]).hostname
    api_stage = stage_settings["api_gateway_stage"]
    distribution = {
        "Enabled": True,
        "Comment": "Mon Compte Formation : le portail et son API, une seule origine",
        "DefaultRootObject": portal.INDEX,
        "HttpVersion": "http2and3",
        "IPV6Enabled": True,
        "PriceClass": "PriceClass_100",  # Europe and North America: the portal's users are in France
        "Origins": [
            {
                "Id": PAGES_ORIGIN,
                "DomainName": {"Fn::GetAtt": ["PortalBucket", "RegionalDomainName"]},
                "OriginAccessControlId": {"Fn::GetAtt": ["PortalOriginAccessControl", "Id"]},
                "S3OriginConfig": {"OriginAccessIdentity": ""},  # OAC, not the legacy identity
            },
            {
                "Id": API_ORIGIN,
                "DomainName": {"Fn::Sub": "${" + api_resource + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                "OriginPath": f"/{api_stage}",
                "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
            },
        ],
        "DefaultCacheBehavior": {
            "TargetOriginId": PAGES_ORIGIN,
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": ["GET", "HEAD"],
            "CachedMethods": ["GET", "HEAD"],
            "CachePolicyId": CACHING_OPTIMIZED,
            "Compress": True,
            "ResponseHeadersPolicyId": {"Ref": "PortalSecurityHeaders"},
            "FunctionAssociations": [
                {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["PortalPageRewrite", "FunctionARN"]}}
            ],
        },
        # First match wins: the pages under the API before the API's own patterns.
        "CacheBehaviors": page_under_api_behaviors() + api_cache_behaviors(),
        "Aliases": {"Fn::If": ["PortalHasCertificate", [public_host], {"Ref": "AWS::NoValue"}]},
        "ViewerCertificate": {
            "Fn::If": [
                "PortalHasCertificate",
                {
                    "AcmCertificateArn": {"Ref": "PortalCertificateArn"},
                    "SslSupportMethod": "sni-only",
                    "MinimumProtocolVersion": "TLSv1.2_2021",
                },
                {"CloudFrontDefaultCertificate": True},
            ]
        },
    }
    return {
        "Parameters": {
            "PortalCertificateArn": {
                "Type": "String",
                "Default": "",
                "Description": f"ACM certificate (us-east-1) for {public_host}; empty: the distribution's name only",
            }
        },
        "Conditions": {"PortalHasCertificate": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PortalCertificateArn"}, ""]}]}},
        "Resources": {
            # Older versions of the pages are kept a month: enough to roll a deploy back.
            "PortalBucket": private_bucket(old_versions_rule="anciennes-versions", old_versions_days=30),
            "PortalBucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "PortalBucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                # This distribution only, through its Origin Access Control. ListBucket
                                # lets a missing file be a 404 rather than a 403.
                                "Sid": "LaDistributionDuPortail",
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudfront.amazonaws.com"},
                                "Action": ["s3:GetObject", "s3:ListBucket"],
                                "Resource": [
                                    {"Fn::GetAtt": ["PortalBucket", "Arn"]},
                                    {"Fn::Sub": "${PortalBucket.Arn}/*"},
                                ],
                                "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": DISTRIBUTION_ARN}}},
                            },
                            {
                                "Sid": "TLSSeulement",
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": [
                                    {"Fn::GetAtt": ["PortalBucket", "Arn"]},
                                    {"Fn::Sub": "${PortalBucket.Arn}/*"},
                                ],
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            },
                        ],
                    },
                },
            },
            "PortalOriginAccessControl": {
                "Type": "AWS::CloudFront::OriginAccessControl",
                "Properties": {
                    "OriginAccessControlConfig": {
                        "Name": {"Fn::Sub": "${AWS::StackName}-portail"},
                        "Description": "CloudFront signs its requests to the portal's bucket",
                        "OriginAccessControlOriginType": "s3",
                        "SigningBehavior": "always",
                        "SigningProtocol": "sigv4",
                    }
                },
            },
            "PortalPageRewrite": {
                "Type": "AWS::CloudFront::Function",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-pages"},
                    "AutoPublish": True,
                    "FunctionCode": portal.PAGE_REWRITE_FUNCTION,
                    "FunctionConfig": {
                        "Comment": "A page path (no extension) is answered by index.html",
                        "Runtime": "cloudfront-js-2.0",
                    },
                },
            },
            "PortalPageUnderApi": {
                "Type": "AWS::CloudFront::Function",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-pages-sous-api"},
                    "AutoPublish": True,
                    "FunctionCode": portal.PAGE_UNDER_API_FUNCTION % {"pages_origin": PAGES_ORIGIN},
                    "FunctionConfig": {
                        "Comment": "GET of a page under the API (the FranceConnect return): index.html",
                        "Runtime": "cloudfront-js-2.0",
                    },
                },
            },
            "PortalSecurityHeaders": {
                "Type": "AWS::CloudFront::ResponseHeadersPolicy",
                "Properties": {
                    "ResponseHeadersPolicyConfig": {
                        "Name": {"Fn::Sub": "${AWS::StackName}-portail"},
                        "Comment": "The portal pages' security headers (tools/portal.py)",
                        **security_headers_config(),
                    }
                },
            },
            "PortalDistribution": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {"DistributionConfig": distribution},
            },
        },
        "Outputs": {
            "PortalBucketName": {"Value": {"Ref": "PortalBucket"}},
            "PortalDistributionId": {"Value": {"Ref": "PortalDistribution"}},
            "PortalURL": {"Value": {"Fn::Sub": "https://${PortalDistribution.DomainName}/"}},
        },
    }
