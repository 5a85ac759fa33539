"""The normalizer: a small bar-level network that picks, per bar of a rough MIDI, "keep" or one anchored
timing edit (server/normalize/editSpace.ts). Trained on features written by the TypeScript data builder
(scripts/make-normalizer-data.ts), exported to ONNX for the server. Kept apart from PerformanceNet's
trainer: its own config, data, model, loop and exporter, sharing only fsio and events."""

DATA_VERSION = "normalizer-data-v1"
MODEL_KIND = "normalizer"
