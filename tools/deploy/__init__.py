"""The deployment: the SAM template of a stage, its WAF stack, the slimmed Lambda package (`make package`)."""
