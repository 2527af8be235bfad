import sys

from pos_member.cli import main

sys.exit(main())
