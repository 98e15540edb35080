"""`python -m skill.bench`: the same as `cramp-helper bench`."""
import sys

from skill.bench import main

sys.exit(main())
