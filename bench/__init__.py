"""The symcnn benchmark suite (issue 8): ``python -m bench`` or ``bench/run``; see bench/README.md."""
