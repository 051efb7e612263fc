"""What the store takes and returns: small frozen records, one module per aggregate.

Field names say what a value is in the domain's words; which attribute holds it, the keys and the
DynamoDB types are the store's business (chalicelib/store/), and nothing here knows them. A
transaction takes one record or one small command object that names everything it writes.
"""
