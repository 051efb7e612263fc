"""One run of the scheduled cleanup against the configured AWS (`chalice local` runs no schedule).

`python -m tools.local.run_cleanup`, settings from the environment, e.g.
`AWS_ENDPOINT_URL=http://127.0.0.1:5000 python -m tools.local.run_cleanup`. Prints the counts.
"""

import json

from chalicelib import scheduled

if __name__ == "__main__":
    print(json.dumps(scheduled.cleanup_expired_registrations()))
