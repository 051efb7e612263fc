"""CloudFormation pieces the template builders share (deploy_template.py, portal_template.py, beside this one)."""

from typing import Any


def private_bucket(*, old_versions_rule: str, old_versions_days: int, **properties: Any) -> dict[str, Any]:
    """An S3 bucket nobody reaches but by its policy: versioned, encrypted, public access blocked,
    objects owned by the bucket, kept if the stack goes; replaced versions expire after
    `old_versions_days`. `properties` adds to those (a name...)."""
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",  # what the bucket holds outlives any stack mishap
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **properties,
            "VersioningConfiguration": {"Status": "Enabled"},
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": old_versions_rule,
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": old_versions_days},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    }
                ]
            },
        },
    }
