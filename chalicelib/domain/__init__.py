"""The rules of the holder space. No Chalice, no boto3: a store, a mailer and a clock come in as arguments."""
