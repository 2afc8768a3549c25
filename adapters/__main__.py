"""``python -m adapters JOB.json``: run one job inside its environment."""

import sys

from core.job_exec import main

sys.exit(main())
