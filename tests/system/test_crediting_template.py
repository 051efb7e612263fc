"""Crediting in the deploy template and the policies: the bucket (private, encrypted, versioned), the
queue and its dead-letter queue, the S3 event Chalice cannot package, and least privilege for both
functions, derived from the store's own code. (tests/system/test_package.py builds the whole template and
checks that cfn-lint finds nothing in it.)"""

import ast
import json
from pathlib import Path

import pytest

from chalicelib import crediting
from chalicelib.domain.crediting import CreditStore
from tools.deploy import chalice_package, deploy_template

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "chalicelib" / "store"
CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
STAGES = ("dev", "prod")

# The store methods each function calls (the split and the report; the chunks, the rights and the report).
SPLIT_METHODS = {"start_declaration_file", "finish_declaration_split", "declaration_file_rejections"}
CHUNK_METHODS = {name for name in vars(CreditStore) if not name.startswith("_")} - {
    "start_declaration_file",
    "finish_declaration_split",
}
# What a transaction's actions need in IAM (TransactWriteItems has no action of its own).
ACTION_BUILDERS = {
    "_put_action": "PutItem",
    "_update_action": "UpdateItem",
    "_check_action": "ConditionCheckItem",
    "_delete_action": "DeleteItem",
}


def store_methods() -> dict[str, ast.FunctionDef]:
    methods = {}
    for path in STORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        methods[item.name] = item
    return methods


def dynamodb_actions(names: set[str]) -> set[str]:
    """Every DynamoDB action the store methods `names` make, following their calls to other methods."""
    methods, needed, seen = store_methods(), set(), set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in ACTION_BUILDERS:
            needed.add(ACTION_BUILDERS[name])
            continue
        for node in ast.walk(methods[name]):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and owner.attr == "_client":
                if node.func.attr != "transact_write_items":
                    needed.add("".join(part.title() for part in node.func.attr.split("_")))
            elif isinstance(owner, ast.Name) and owner.id == "self" and node.func.attr in methods:
                pending.append(node.func.attr)
    return {f"dynamodb:{action}" for action in needed}


def policy(stage: str, function: str) -> dict:
    name = CONFIG["stages"][stage]["lambda_functions"][function]["iam_policy_file"]
    return json.loads((ROOT / ".chalice" / name).read_text())


def statements(document: dict) -> dict[str, dict]:
    return {statement["Sid"]: statement for statement in document["Statement"]}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    ("function", "methods"), [("split_declarations", SPLIT_METHODS), ("credit_chunks", CHUNK_METHODS)]
)
def test_each_function_may_make_exactly_the_dynamodb_requests_its_store_methods_make(stage, function, methods):
    table = statements(policy(stage, function))["TheTable"]
    assert set(table["Action"]) == dynamodb_actions(methods)
    table_name = CONFIG["stages"][stage]["environment_variables"]["TABLE_NAME"]
    assert table["Resource"] == [f"arn:aws:dynamodb:eu-west-3:*:table/{table_name}"]


def test_the_derivation_sees_the_chunks_batched_reads_and_transactions():
    assert dynamodb_actions(CHUNK_METHODS) >= {
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:Query",
    }


@pytest.mark.parametrize("stage", STAGES)
def test_the_functions_reach_only_their_bucket_paths_and_their_queues(stage):
    variables = CONFIG["stages"][stage]["environment_variables"]
    bucket, queue = variables["DECLARATIONS_BUCKET"], variables["CREDIT_QUEUE"]
    for function in ("split_declarations", "credit_chunks"):
        found = statements(policy(stage, function))
        assert found["TheDeclarations"]["Resource"] == [f"arn:aws:s3:::{bucket}/declarations/*"]
        assert set(found["TheDeclarations"]["Action"]) == {"s3:GetObject", "s3:GetObjectVersion"}
        assert found["TheReports"] == {**found["TheReports"], "Action": ["s3:PutObject"]}
        assert found["TheReports"]["Resource"] == [f"arn:aws:s3:::{bucket}/rapports/*"]
        assert found["TheQueue"]["Resource"] == [f"arn:aws:sqs:eu-west-3:*:{queue}"]
        actions = {action for statement in found.values() for action in statement["Action"]}
        assert not any(action.endswith("*") for action in actions)
        assert not any(action.startswith(("ses:", "dynamodb:Scan", "dynamodb:Delete")) for action in actions)
    assert set(statements(policy(stage, "split_declarations"))["TheQueue"]["Action"]) == {
        "sqs:GetQueueUrl",
        "sqs:SendMessage",
    }
    dead_letters = statements(policy(stage, "split_declarations"))["TheDeadLetterQueue"]
    assert dead_letters["Resource"] == [f"arn:aws:sqs:eu-west-3:*:{queue}{crediting.DEAD_LETTER_SUFFIX}"]
    assert set(statements(policy(stage, "credit_chunks"))["TheQueue"]["Action"]) == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }


@pytest.mark.parametrize("stage", STAGES)
def test_the_bucket_is_private_encrypted_versioned_and_kept(stage):
    resources = deploy_template.fragment_for_stage(stage)["Resources"]
    bucket = resources["DeclarationsBucket"]
    properties = bucket["Properties"]
    assert properties["BucketName"] == CONFIG["stages"][stage]["environment_variables"]["DECLARATIONS_BUCKET"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    (tls,) = resources["DeclarationsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("stage", STAGES)
def test_a_chunk_that_keeps_failing_goes_to_the_dead_letter_queue(stage):
    resources = deploy_template.fragment_for_stage(stage)["Resources"]
    queue = resources["CreditQueue"]["Properties"]
    assert queue["QueueName"] == CONFIG["stages"][stage]["environment_variables"]["CREDIT_QUEUE"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["CreditDeadLetterQueue", "Arn"]},
        "maxReceiveCount": crediting.MAX_RECEIVES,
    }
    timeout = CONFIG["stages"][stage]["lambda_functions"]["credit_chunks"]["lambda_timeout"]
    assert timeout == crediting.CREDIT_TIMEOUT_SECONDS
    assert queue["VisibilityTimeout"] >= 6 * timeout  # AWS's advice for an SQS event source
    assert resources["CreditDeadLetterQueue"]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"]
    assert resources["CreditDeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"]
    chunks = resources[deploy_template.CHUNK_FUNCTION]
    event = chunks["Properties"]["Events"][deploy_template.CHUNK_EVENT]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]  # a failed chunk alone goes back
    on_failure = resources[deploy_template.SPLIT_FUNCTION]["Properties"]["EventInvokeConfig"]["DestinationConfig"]
    assert on_failure["OnFailure"]["Destination"] == {"Fn::GetAtt": ["CreditDeadLetterQueue", "Arn"]}


def test_the_s3_event_becomes_a_sam_event_on_the_template_s_bucket():
    assert chalice_package.s3_event_properties("DeclarationsBucket", ["s3:ObjectCreated:*"], "declarations/", None) == {
        "Bucket": {"Ref": "DeclarationsBucket"},
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "declarations/"}]}},
    }


def test_the_app_subscribes_the_functions_to_the_settings_bucket_and_queue():
    from app import app
    from chalicelib.settings import get_settings

    settings = get_settings()
    sources = {source.name: source for source in app.event_sources}
    assert sources["split_declarations"].bucket == settings.declarations_bucket
    assert sources["split_declarations"].prefix == "declarations/"
    assert sources["split_declarations"].events == ["s3:ObjectCreated:*"]
    assert sources["credit_chunks"].queue == settings.credit_queue
    assert sources["credit_chunks"].batch_size == crediting.CHUNKS_PER_INVOCATION


@pytest.mark.parametrize("stage", STAGES)
def test_the_crediting_functions_have_their_own_size_and_time(stage):
    functions = CONFIG["stages"][stage]["lambda_functions"]
    assert functions["split_declarations"]["lambda_timeout"] == 900  # a big file is streamed whole
    assert functions["credit_chunks"]["lambda_memory_size"] == functions["split_declarations"]["lambda_memory_size"]
