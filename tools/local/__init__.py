"""The local stack: emulated AWS, bootstrap, `chalice local` behind the front server, mailbox, and tools run on it."""
