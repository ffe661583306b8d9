"""The pure core: normalise, tag, dedupe and the pipeline that chains them.

Nothing here imports faust, aiokafka, mode or prometheus_client (a test enforces it). State
(the dedup index) and the clock are passed in by the caller, so the worker and the offline
`ingest process` command run exactly the same code.
"""
