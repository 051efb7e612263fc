"""The portal in the deploy template (tools/deploy/portal_template.py, merged by `make package`): a private
bucket for the pages, one CloudFront distribution for the pages and the API, the pages' security
headers. cfn-lint's verdict on the whole template is tests/system/test_package.py's."""

import json
import shutil
import subprocess

import pytest

from tools import portal
from tools.deploy.deploy_template import fragment_for_stage


@pytest.fixture(scope="module")
def fragment() -> dict:
    return fragment_for_stage("prod")


def distribution(fragment) -> dict:
    return fragment["Resources"]["PortalDistribution"]["Properties"]["DistributionConfig"]


def test_the_bucket_is_private_versioned_and_encrypted(fragment):
    bucket = fragment["Resources"]["PortalBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_only_the_distribution_reads_the_bucket_through_its_origin_access_control(fragment):
    statements = fragment["Resources"]["PortalBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert set(allow["Action"]) == {"s3:GetObject", "s3:ListBucket"}
    assert "${PortalDistribution}" in allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    pages = next(o for o in distribution(fragment)["Origins"] if o["Id"] == "pages")
    assert pages["OriginAccessControlId"] == {"Fn::GetAtt": ["PortalOriginAccessControl", "Id"]}
    assert pages["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    control = fragment["Resources"]["PortalOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (control["SigningBehavior"], control["SigningProtocol"]) == ("always", "sigv4")


def test_every_path_of_the_app_goes_to_api_gateway_uncached_with_every_method_and_header(fragment):
    from app import app

    config = distribution(fragment)
    behaviors = {
        b["PathPattern"]: b for b in config["CacheBehaviors"] if b["PathPattern"] not in portal.PAGES_UNDER_API
    }
    for route in app.routes:
        first = route.strip("/").split("/")[0]
        assert {f"/{first}", f"/{first}/*"} <= set(behaviors), route
    for behavior in behaviors.values():
        assert behavior["TargetOriginId"] == "api"
        assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
        assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
        assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
        assert behavior["ViewerProtocolPolicy"] == "https-only"
        assert "ResponseHeadersPolicyId" not in behavior  # the API's answers go through unchanged
    api = next(o for o in config["Origins"] if o["Id"] == "api")
    assert api["OriginPath"] == "/prod"
    assert api["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert fragment["Resources"]["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"
    assert len(config["CacheBehaviors"]) <= 25, "CloudFront's default quota of cache behaviours a distribution"


def test_the_pages_carry_the_same_security_headers_as_locally(fragment):
    policy = fragment["Resources"]["PortalSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    sent = {
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        **{item["Header"]: item["Value"] for item in policy["CustomHeadersConfig"]["Items"]},
    }
    assert sent == portal.SECURITY_HEADERS
    assert "frame-ancestors 'none'" in sent["Content-Security-Policy"]
    assert "script-src 'self';" in sent["Content-Security-Policy"] + ";"
    assert "unsafe" not in sent["Content-Security-Policy"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    default = distribution(fragment)["DefaultCacheBehavior"]
    assert default["ResponseHeadersPolicyId"] == {"Ref": "PortalSecurityHeaders"}
    assert default["TargetOriginId"] == "pages"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"


def test_the_public_address_is_the_distribution_s_once_a_certificate_is_given(fragment):
    config = distribution(fragment)
    assert config["Aliases"]["Fn::If"][1] == ["www.moncompteformation.gouv.fr"]  # PUBLIC_BASE_URL of the stage
    assert fragment["Parameters"]["PortalCertificateArn"]["Default"] == ""


URIS = [
    "/",
    "/index.html",
    "/activation",
    "/espace/dossiers/abc-123",
    "/js/main.js",
    "/vendor/dsfr/dsfr.min.css",
    "/inscription/mot-de-passe",
    "/vendor/dsfr/favicon/favicon.ico",
    "/une.page/sans-extension",
]


def test_cloudfront_rewrites_the_same_paths_to_index_html_as_the_local_front(fragment):
    """The function's own code, run by node (which `make install` needs for npm anyway)."""
    code = fragment["Resources"]["PortalPageRewrite"]["Properties"]["FunctionCode"]
    uris = json.dumps(URIS)
    script = code + f"\nconsole.log(JSON.stringify({uris}.map(u => handler({{request: {{uri: u}}}}).uri)));"
    run = subprocess.run([shutil.which("node") or "node", "-e", script], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    rewritten = json.loads(run.stdout)
    assert rewritten == ["/index.html" if portal.is_page_path(uri) else uri for uri in URIS]
    assert rewritten[2] == "/index.html"  # the rule is not trivially one way...
    assert rewritten[4] == "/js/main.js"  # ...nor the other


def test_a_page_under_the_api_is_the_portal_s_on_get_and_the_api_s_otherwise(fragment):
    """/franceconnect/retour: the provider's GET gets index.html from the bucket, the page's POST the API."""
    config = distribution(fragment)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert patterns.index("/franceconnect/retour") < patterns.index("/franceconnect/*")  # first match wins
    (behavior,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/franceconnect/retour"]
    assert behavior["TargetOriginId"] == "api"
    assert set(behavior["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "PortalSecurityHeaders"}  # the page's CSP...
    (association,) = behavior["FunctionAssociations"]
    assert association["FunctionARN"] == {"Fn::GetAtt": ["PortalPageUnderApi", "FunctionARN"]}
    function = fragment["Resources"]["PortalPageUnderApi"]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    # The function's code, run by node with a stand-in for CloudFront's `cloudfront` module.
    code = function["FunctionCode"].replace(
        "import cf from 'cloudfront';", "var chosen = [];\nvar cf = {selectRequestOriginById: (id) => chosen.push(id)};"
    )
    browser = {"value": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    requests = [
        {
            "method": "GET",
            "uri": "/franceconnect/retour",
            "querystring": {"code": {"value": "c"}, "state": {"value": "s"}},
            "headers": {"authorization": {"value": "Bearer x"}, "accept": browser},
        },
        {"method": "HEAD", "uri": "/franceconnect/retour", "querystring": {}, "headers": {"accept": browser}},
        {
            "method": "POST",
            "uri": "/franceconnect/retour",
            "querystring": {},
            "headers": {"authorization": {"value": "Bearer x"}},
        },
        # An API client's GET (no text/html asked): the API's, which answers it 405.
        {"method": "GET", "uri": "/franceconnect/retour", "querystring": {}, "headers": {"accept": {"value": "*/*"}}},
    ]
    script = (
        code
        + f"\nconsole.log(JSON.stringify({{out: {json.dumps(requests)}.map(r => handler({{request: r}})), chosen}}));"
    )
    run = subprocess.run([shutil.which("node") or "node", "-e", script], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    get, head, post, api_get = result["out"]
    assert result["chosen"] == ["pages", "pages"]  # the GET and the HEAD only
    assert (get["uri"], get["querystring"]) == ("/index.html", {})  # no code, no state to S3
    assert "authorization" not in get["headers"]  # nor the bearer
    assert head["uri"] == "/index.html"
    assert post == requests[2]  # the API's, unchanged
    assert api_get == requests[3]
