"""One checkout's app in Streamlit's AppTest, answering timed interactions for bench.interactions.

    python bench/interaction_worker.py CHECKOUT      (run as a script, so that nothing of this checkout is imported)

Reads JSON lines on stdin: {"page", "path", "text"} (a new review) or {"page", "path", "rerun": true}; answers each
with {"seconds", "chart_bytes", "error"} on stdout.
"""

import json
import os
import sys
import time
from pathlib import Path


def serve(checkout: Path) -> None:
    """Read interactions as JSON lines on stdin ({"page", "text"} or {"page", "rerun": true}); answer each with
    {"seconds", "chart_bytes"} on stdout. Runs ``checkout``'s app.py."""
    import torch

    sys.path[0] = str(checkout)  # instead of this script's folder
    os.chdir(checkout)
    torch.set_num_threads(1)
    from streamlit.testing.v1 import AppTest

    apps: dict[str, AppTest] = {}
    for line in sys.stdin:
        ask = json.loads(line)
        page = ask["page"]
        if page not in apps:
            apps[page] = AppTest.from_file(str(checkout / "app.py"), default_timeout=300).run()
            apps[page].switch_page(ask["path"]).run()
            if page == "softmax":  # the page reads one word until asked to read the shared review
                apps[page].radio(key="heads_source").set_value("The shared review").run()
        at = apps[page]
        if not ask.get("rerun"):
            at.text_area(key="review").input(ask["text"])
        began = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - began
        charts = sum(len(e.proto.spec.encode()) for e in at.get("plotly_chart"))
        error = at.exception[0].message if at.exception else None
        print(json.dumps({"seconds": seconds, "chart_bytes": charts, "error": error}), flush=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]).resolve())
