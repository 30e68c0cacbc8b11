"""Start the briefqa browser chat: `python app.py [--port 7861 --host ... --username ...]`.

Settings come from BRIEFQA_* environment variables and the flags of `briefqa serve`; the
address it listens on is printed once it is ready.
"""

import sys

from briefqa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
