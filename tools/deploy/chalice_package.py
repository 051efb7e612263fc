"""`chalice package` for a stage, with the one thing Chalice will not package: `@app.on_s3_event`.

Chalice refuses it ("CloudFormation does not support modifying the event notifications of existing
buckets": its S3 events assume a bucket made elsewhere). Ours is made by the stack itself
(tools/deploy/deploy_template.py, `DeclarationsBucket`), which is exactly what SAM's S3 event source needs:
"This bucket must exist in the same template". So the S3 subscription becomes a SAM `S3` event on
the function, whose `Bucket` is a `Ref` to that resource; SAM then writes the bucket's notification
configuration and the permission that lets S3 invoke the function.

The decorators of app.py read the bucket and queue names at import (chalicelib/crediting.py): they
are set here from the stage's `environment_variables` before Chalice imports the app, so that the
template, the decorators and the functions' environment name the same resources.

`python -m tools.deploy.chalice_package <stage> <template to merge> <output folder>`. A tool: build time only.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"
BUCKET_RESOURCE = "DeclarationsBucket"


def s3_event_properties(
    bucket_resource: str, events: list[str], prefix: str | None, suffix: str | None
) -> dict[str, Any]:
    """SAM's S3 event source on a bucket of the same template."""
    properties = {"Bucket": {"Ref": bucket_resource}, "Events": events}
    rules = [{"Name": name, "Value": value} for name, value in (("prefix", prefix), ("suffix", suffix)) if value]
    if rules:
        properties["Filter"] = {"S3Key": {"Rules": rules}}
    return properties


def package_s3_events_on_the_template_s_bucket(expected_bucket: str) -> None:
    from chalice.package import SAMTemplateGenerator
    from chalice.utils import to_cfn_resource_name

    def generate_s3_event(generator: SAMTemplateGenerator, resource: Any, template: dict[str, Any]) -> None:
        if resource.bucket != expected_bucket:
            raise RuntimeError(
                f"@app.on_s3_event names bucket {resource.bucket!r}; the template makes {expected_bucket!r}"
            )
        function = template["Resources"][to_cfn_resource_name(resource.lambda_function.resource_name)]
        event_name = generator._register_cfn_resource_name(resource.resource_name)
        function["Properties"]["Events"] = {
            event_name: {
                "Type": "S3",
                "Properties": s3_event_properties(BUCKET_RESOURCE, resource.events, resource.prefix, resource.suffix),
            }
        }

    # A method of chalice's generator replaced (setattr: mypy refuses a method assigned on its class).
    setattr(SAMTemplateGenerator, "_generate_s3bucketnotification", generate_s3_event)  # noqa: B010


def main(arguments: list[str]) -> int:
    stage, merge_template, output = arguments
    variables = json.loads(CONFIG.read_text())["stages"][stage]["environment_variables"]
    os.environ["DECLARATIONS_BUCKET"] = variables["DECLARATIONS_BUCKET"]
    os.environ["CREDIT_QUEUE"] = variables["CREDIT_QUEUE"]
    os.environ["EMAIL_FEEDBACK_TOPIC"] = variables["EMAIL_FEEDBACK_TOPIC"]
    package_s3_events_on_the_template_s_bucket(variables["DECLARATIONS_BUCKET"])

    from chalice.cli import main as chalice

    sys.argv = ["chalice", "package", "--stage", stage, "--merge-template", merge_template, output]
    return chalice()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
