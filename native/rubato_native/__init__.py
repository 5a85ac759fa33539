"""Rubato's native side: the PyTorch trainer and ONNX exporter, started and supervised by the server."""

# The model's inputs (score features); exported models carry it and the server checks it.
FEATURE_SCHEMA_VERSION = "record-v1"
# The whole dataset record (features and targets), as written by `rubato dataset build`
# (server/corpus/records.ts RECORD_VERSION): the cache this trainer reads must have it.
RECORD_VERSION = FEATURE_SCHEMA_VERSION + "/targets-v2"
