"""`wsconform soak`: the documented authentication lifecycle under load, on Locust.

Locust users (gevent) speak each profile through its vendor folder's protocol core
(wsconform/vendors/<v>/soak.py drives protocol.py's frames and classifiers); their outcomes are
counted per requirement (tally.py) and merged on the Locust master with Locust's own statistics
(latencies, merged as histograms across workers); run.py starts the mock, the master and the
workers, and turns the report into an exit code from the user's thresholds.
"""
