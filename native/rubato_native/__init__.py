"""Rubato's native side: the PyTorch trainer and ONNX exporter, started and supervised by the server."""

FEATURE_SCHEMA_VERSION = "record-v1"
