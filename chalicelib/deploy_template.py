"""The CloudFormation fragment that `make package` merges into Chalice's template for a stage.

`python -m chalicelib.deploy_template <stage> <output.json>` writes: the table from chalicelib/table.py,
the sender as a parameter the functions read, and API Gateway throttling from the stage's
`api_gateway_throttling` in .chalice/config.json (a default for the stage, tighter limits for the
public routes that create, send or guess). Run at build time only, never in the Lambda.
"""

import json
import sys
from pathlib import Path

from .table import cloudformation_resources

CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"
CHALICE_FUNCTIONS = ("APIHandler", "CleanupExpiredRegistrations")
CHALICE_API = "RestAPI"


def method_settings(throttling: dict) -> list[dict]:
    """API Gateway's MethodSettings: the stage default on "/*", then each listed route."""
    default = throttling["default"]
    settings = [_throttle("/*", "*", default)]
    for route, limits in throttling.get("routes", {}).items():
        method, path = route.split(" ", 1)
        settings.append(_throttle("/" + path.replace("/", "~1"), method, limits))  # "/~1a~1b": API Gateway's escaping
    return settings


def _throttle(resource_path: str, method: str, limits: dict) -> dict:
    return {
        "ResourcePath": resource_path,
        "HttpMethod": method,
        "ThrottlingRateLimit": limits["rate"],
        "ThrottlingBurstLimit": limits["burst"],
    }


def fragment_for_stage(stage: str) -> dict:
    settings = json.loads(CONFIG.read_text())["stages"][stage]
    variables = settings["environment_variables"]
    fragment = cloudformation_resources(variables["TABLE_NAME"], variables["SENDER_EMAIL"])
    # The functions (as Chalice names them) send from the template's parameter, not a fixed address.
    for function in CHALICE_FUNCTIONS:
        fragment["Resources"][function] = {
            "Properties": {"Environment": {"Variables": {"SENDER_EMAIL": {"Ref": "SenderEmail"}}}}
        }
    if "api_gateway_throttling" in settings:
        fragment["Resources"][CHALICE_API] = {
            "Properties": {"MethodSettings": method_settings(settings["api_gateway_throttling"])}
        }
    return fragment


def main(arguments: list[str]) -> None:
    stage, output = arguments
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(fragment_for_stage(stage), indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
